using System.CommandLine;
using Tracekit.Collector.Jobs;

namespace Tracekit.Collector.Cli;

internal static class RunCommand
{
    private static readonly Option<string> RunIdOption = CommonOptions.RunId();
    private static readonly Option<string> OutOption = CommonOptions.Out();
    private static readonly Option<string> NodeIdOption = CommonOptions.NodeId();
    private static readonly Option<string> StageOption = CommonOptions.Stage();
    private static readonly Option<long> IntervalOption = CommonOptions.IntervalNs();
    private static readonly Option<string?> TraceIdOption = new("--trace-id") { Description = "The invocation's trace id (default: a new random W3C trace id)." };
    private static readonly Option<long?> EnqueueOption = new("--enqueue-ms") { Description = "When the job was queued, in epoch milliseconds (gives queue_time_ms)." };
    private static readonly Option<string?> InputOption = new("--input") { Description = "The job's input file (recorded, and its size as bytes_in)." };
    private static readonly Option<string?> OutputOption = new("--output") { Description = "The job's output file (recorded, and its size as bytes_out)." };
    private static readonly Option<string?> ContainerOption = new("--container") { Description = "The job is the container of this name that the command starts (e.g. docker run --name NAME …): its CPU, peak memory and lifetime, not the engine client's. Docker and Podman names are looked up in their files on every tick until it runs." };
    private static readonly Option<double?> CpuLimitOption = ValueParsers.OptionalCores("--cpu-limit",
        "The most CPU the job may use, in cores (0.5 = half a core): the CFS quota of its cgroup (cgroup v1 cpu.cfs_quota_us, v2 cpu.max). Default: no limit.",
        0.01, 4096);
    private static readonly Argument<string[]> CommandArgument = new("command") { Description = "The job: a program and its arguments, after --.", Arity = ArgumentArity.OneOrMore };

    public static Command Create()
    {
        var command = new Command("run", "Run a batch job under observation: sampled from its first tick, in a cgroup of its own. Returns the job's exit status.")
        {
            RunIdOption, OutOption, NodeIdOption, StageOption, IntervalOption, TraceIdOption, EnqueueOption, InputOption, OutputOption, ContainerOption, CpuLimitOption, CommandArgument,
        };
        command.SetAction(parse =>
        {
            try
            {
                long intervalNs = parse.GetValue(IntervalOption);
                var argv = parse.GetValue(CommandArgument) ?? [];
                if (argv.Length == 0) throw new ArgumentException("no command given: tracekit run --run-id R -- CMD ARGS…");
                var settings = new JobSettings
                {
                    RunId = parse.GetValue(RunIdOption)!,
                    NodeId = parse.GetValue(NodeIdOption)!,
                    Stage = parse.GetValue(StageOption)!,
                    OutDirectory = parse.GetValue(OutOption)!,
                    TraceId = parse.GetValue(TraceIdOption),
                    EnqueueEpochMs = parse.GetValue(EnqueueOption),
                    InputPath = parse.GetValue(InputOption),
                    OutputPath = parse.GetValue(OutputOption),
                    Container = ParseContainer(parse.GetValue(ContainerOption)),
                    IntervalNs = intervalNs,
                    CpuLimitCores = parse.GetValue(CpuLimitOption),
                    Command = argv[0],
                    Arguments = argv[1..],
                };
                return new JobRunner(settings, Console.Error).Run();
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"tracekit run: {e.Message}");
                return (int)ReturnCode.ArgumentError;
            }
            catch (JobStartException e)
            {
                Console.Error.WriteLine($"tracekit run: {e.Message}");
                return (int)ReturnCode.JobStartError;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"tracekit run: {CommonOptions.OutputProblem(e, parse.GetValue(OutOption)!)}");
                return (int)ReturnCode.OutputError;
            }
        });
        return command;
    }

    private static string? ParseContainer(string? value)
    {
        if (value is null) return null;
        if (value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || c == '/'))
            throw new ArgumentException($"--container '{value}' is not a container name (letters, digits, '_', '.', '-'; no spaces or '/')");
        return value;
    }
}
