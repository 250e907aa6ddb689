using System.CommandLine;

namespace Tracekit.Collector.Cli;

/// <summary>Options shared by several commands, defined once so every command spells them the same way.</summary>
internal static class CommonOptions
{
    public static Option<string> RunId() => new("--run-id")
    {
        Description = "The run's id: the folder <out>/<run-id> holds every node's rings.",
        Required = true,
    };

    public static Option<string> Out() => new("--out", "-o")
    {
        Description = "The output folder.",
        DefaultValueFactory = _ => "./logs",
    };

    public static Option<string> NodeId() => new("--node-id")
    {
        Description = "This node's id.",
        DefaultValueFactory = _ => Environment.MachineName,
    };

    public static Option<string> Stage() => new("--stage")
    {
        Description = "The stage label written into every record's run header (for example cloud, edge).",
        DefaultValueFactory = _ => "cloud",
    };

    /// <summary>The sampling interval in nanoseconds.</summary>
    public static Option<long> IntervalNs() => ValueParsers.DurationNs("--interval",
        "The sampling interval: 10ms, 100ms or 1s (any duration from 1ms to 1h is accepted).", "100ms",
        minNs: 1_000_000, maxNs: 3_600_000_000_000, rangeText: "from 1ms to 1h");

    public static Option<bool> Json() => new("--json") { Description = "Print JSON instead of text." };

    /// <summary>
    /// A failure to create or write the output, as a sentence with the fix: .NET's own messages name the path but
    /// not what to do; Tracekit's own (which name their flag) already say it.
    /// </summary>
    public static string OutputProblem(Exception e, string outDirectory) =>
        e.Message.Contains("--", StringComparison.Ordinal)
            ? e.Message
            : $"{e.Message.TrimEnd('.')}. Check that --out '{outDirectory}' is a folder this user can create and write to, on a disk with free space.";
}
