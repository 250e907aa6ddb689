using System.CommandLine;
using System.Runtime.InteropServices;
using Tracekit.Cluster;
using Tracekit.Collector.Cluster;

namespace Tracekit.Collector.Cli;

internal static class AgentCommand
{
    private static readonly Option<string> RedisOption = RedisOptions.Endpoint();
    private static readonly Option<string?> PasswordFileOption = RedisOptions.PasswordFile();
    private static readonly Option<string> NodeIdOption = CommonOptions.NodeId();
    private static readonly Option<string> OutOption = CommonOptions.Out();
    private static readonly Option<int?> CapacityOption = new("--capacity-units") { Description = "CPU units this node offers to jobs (default: its cores)." };
    private static readonly Option<double> RatioOption = new("--allocation-ratio") { Description = "Overcommit factor: the scheduler places up to capacity × ratio units here.", DefaultValueFactory = _ => 1.0 };
    private static readonly Option<string> IntervalOption = new("--job-interval") { Description = "The sampling interval of each job it runs (as `tracekit run --interval`).", DefaultValueFactory = _ => "100ms" };

    public static Command Create()
    {
        var command = new Command("agent", "The per-node daemon of cluster mode: registers the node in Redis, runs the jobs placed on it as `tracekit run` does, and starts and stops the node's collection on `tracekit cluster start|stop`.")
        {
            RedisOption, PasswordFileOption, NodeIdOption, OutOption, CapacityOption, RatioOption, IntervalOption,
        };
        command.SetAction(parse => RedisOptions.Guard("agent", () =>
        {
            string nodeId = parse.GetValue(NodeIdOption)!;
            RunLayout.ValidateId(nodeId, "--node-id");
            int? capacity = parse.GetValue(CapacityOption);
            if (capacity is < 1) throw new ArgumentException("--capacity-units must be at least 1");
            double ratio = parse.GetValue(RatioOption);
            if (!(ratio > 0 && ratio <= 64)) throw new ArgumentException("--allocation-ratio must be above 0 and at most 64");
            string interval = parse.GetValue(IntervalOption)!;
            if (!ValueParsers.TryParseDurationNs(interval, out long intervalNs) || intervalNs < 1_000_000)
                throw new ArgumentException($"--job-interval '{interval}' is not a duration of at least 1ms");
            var target = RedisTarget.Parse(parse.GetValue(RedisOption)!, parse.GetValue(PasswordFileOption));
            var settings = new AgentSettings
            {
                Redis = target, NodeId = nodeId, OutDirectory = Path.GetFullPath(parse.GetValue(OutOption)!),
                CapacityUnits = capacity, AllocationRatio = ratio, JobIntervalNs = intervalNs,
            };
            using var connection = ClusterConnection.Connect(target, $"tracekit-agent-{nodeId}");
            using var agent = new Agent(settings, new ClusterClient(connection), Console.Error);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; agent.RequestStop(); });
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; agent.RequestStop(); });
            return agent.Run();
        }));
        return command;
    }
}
