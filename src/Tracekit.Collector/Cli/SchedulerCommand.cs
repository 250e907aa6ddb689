using System.CommandLine;
using System.Runtime.InteropServices;
using Tracekit.Cluster;

namespace Tracekit.Collector.Cli;

internal static class SchedulerCommand
{
    private static readonly Option<string> RedisOption = RedisOptions.Endpoint();
    private static readonly Option<string?> PasswordFileOption = RedisOptions.PasswordFile();
    private static readonly Option<string> WeigherOption = new Option<string>("--weigher")
    {
        Description = "Which node a job goes to among those with room: first (lowest node id), least-instances (fewest jobs), most-free (most free units).",
        DefaultValueFactory = _ => "first",
    }.AcceptOnlyFromAmong("first", "least-instances", "most-free");
    private static readonly Option<bool> DrainOption = new("--drain") { Description = "Place what can be placed now, print how many and how fast (placements/s), and exit: for one-shot scheduling and benchmarks." };
    private static readonly Option<bool> BackfillOption = new("--backfill") { Description = "When the oldest job fits on no node, place younger jobs that fit (up to 256 deep) instead of waiting (no head-of-line blocking; a wide job may wait longer)." };

    public static Command Create()
    {
        var command = new Command("scheduler", "The cluster's FIFO scheduler: places queued jobs on live nodes with free CPU units, each placement one atomic step on Redis, and requeues the jobs of dead agents. Several may run at once.")
        {
            RedisOption, PasswordFileOption, WeigherOption, BackfillOption, DrainOption,
        };
        command.SetAction(parse => RedisOptions.Guard("scheduler", () =>
        {
            using var client = RedisOptions.Connect(parse.GetValue(RedisOption)!, parse.GetValue(PasswordFileOption), "tracekit-scheduler");
            var scheduler = new Scheduler(client, parse.GetValue(WeigherOption)!, parse.GetValue(BackfillOption), Console.Error);
            if (parse.GetValue(DrainOption))
            {
                client.Reap(Scheduler.RestartGraceMs);
                var watch = System.Diagnostics.Stopwatch.StartNew();
                int placed = scheduler.PlaceAll();
                double seconds = watch.Elapsed.TotalSeconds;
                Console.Out.WriteLine($"placed {placed} job(s) in {seconds:F3} s ({placed / Math.Max(seconds, 1e-9):F0} placements/s)");
                return (int)ReturnCode.Ok;
            }
            using var stop = new ManualResetEvent(false);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.Set(); });
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Set(); });
            Console.Error.WriteLine($"tracekit scheduler: placing on {client.Connection.Target} ({parse.GetValue(WeigherOption)}{(parse.GetValue(BackfillOption) ? ", backfill" : "")})");
            scheduler.Run(stop);
            Console.Error.WriteLine($"tracekit scheduler: placed {scheduler.Placed} job(s)");
            return (int)ReturnCode.Ok;
        }));
        return command;
    }
}
