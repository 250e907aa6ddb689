using System.CommandLine;
using System.Globalization;
using Tracekit.Collector.Recording;
using Tracekit.Load;
using Tracekit.Ring;
using Tracekit.Procfs;

namespace Tracekit.Collector.Cli;

/// <summary>
/// `tracekit load`: an open-loop load generator at a constant rate (Tracekit.Load.LoadGenerator). With
/// --run-id it writes one client-side invocation per request into &lt;out&gt;/&lt;run&gt;/&lt;node&gt;/streams/load-&lt;pid&gt;/.
/// </summary>
internal static class LoadCommand
{
    private static readonly Option<string[]> UrlOption = new("--url") { Description = "Target URL (repeat for several; used in turn). Only these addresses are contacted.", Required = true, AllowMultipleArgumentsPerToken = false };
    private static readonly Option<double> RateOption = new("--rate") { Description = "Requests per second, sent on schedule whatever the responses do.", Required = true };
    private static readonly Option<long?> DurationOption = Required(ValueParsers.OptionalDurationNs("--duration", "How long to send: 10s, 2m, …",
        minNs: 1, maxNs: long.MaxValue / 2, rangeText: "of at least 1ns"));
    private static readonly Option<int> ConnectionsOption = new("--connections") { Description = "Connections per target (requests beyond wait, and the wait counts as latency).", DefaultValueFactory = _ => 64 };
    private static readonly Option<long> TimeoutOption = ValueParsers.DurationNs("--timeout", "Per-request timeout.", "10s",
        minNs: 1_000_000, maxNs: 86_400_000_000_000, rangeText: "from 1ms to 24h");
    private static readonly Option<string?> RunIdOption = new("--run-id") { Description = "Write client-side invocations into this run (else only the report is printed)." };
    private static readonly Option<string> OutOption = CommonOptions.Out();
    private static readonly Option<string> NodeIdOption = CommonOptions.NodeId();
    private static readonly Option<string> StageOption = CommonOptions.Stage();
    private static readonly Option<bool> JsonOption = CommonOptions.Json();

    public static Command Create()
    {
        var command = new Command("load", "Send HTTP requests at a constant rate (open loop, W3C traceparent on each) and report latency from each request's scheduled time.")
        {
            UrlOption, RateOption, DurationOption, ConnectionsOption, TimeoutOption, RunIdOption, OutOption, NodeIdOption, StageOption, JsonOption,
        };
        command.SetAction(parse =>
        {
            try
            {
                var options = ReadOptions(parse);
                options.Validate();
                return Run(options, parse.GetValue(RunIdOption), parse.GetValue(OutOption)!, parse.GetValue(NodeIdOption)!,
                    parse.GetValue(StageOption)!, parse.GetValue(JsonOption));
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"tracekit load: {e.Message}");
                return (int)ReturnCode.ArgumentError;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"tracekit load: {CommonOptions.OutputProblem(e, parse.GetValue(OutOption)!)}");
                return (int)ReturnCode.OutputError;
            }
        });
        return command;
    }

    private static Option<T> Required<T>(Option<T> option)
    {
        option.Required = true;
        return option;
    }

    private static LoadOptions ReadOptions(ParseResult parse)
    {
        var urls = new List<Uri>();
        foreach (var text in parse.GetValue(UrlOption) ?? [])
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)) throw new ArgumentException($"--url '{text}' is not an absolute URL");
            urls.Add(uri);
        }
        long durationNs = parse.GetValue(DurationOption)!.Value; // required: the parser refuses a command without it
        long timeoutNs = parse.GetValue(TimeoutOption);
        return new LoadOptions
        {
            Urls = urls,
            RatePerSecond = parse.GetValue(RateOption),
            DurationNs = durationNs,
            Connections = parse.GetValue(ConnectionsOption),
            RequestTimeout = TimeSpan.FromTicks(timeoutNs / 100),
        };
    }

    private static int Run(LoadOptions options, string? runId, string outDirectory, string nodeId, string stage, bool json)
    {
        RingWriter? ring = null;
        RecordSink? sink = null;
        if (runId is not null)
        {
            var layout = new RunLayout(outDirectory, runId, nodeId);
            layout.CreateDirectories();
            int pid = Environment.ProcessId;
            ring = RingWriter.Create(new RingOptions
            {
                DirectoryPath = layout.StreamDirectory($"load-{pid}-{(ProcessIdentity.TryReadStartTicks(pid, out var t) ? t : 0)}"),
                RunId = runId,
                NodeId = nodeId,
                Stage = stage,
            });
            sink = new RecordSink(ring);
            // The anchor puts the stream's monotonic stamps on the wall clock (docs/ring-format.md, section 4).
            sink.Write(ClockPair.Read().ToAnchor());
        }
        try
        {
            LoadReport report;
            using (var generator = new LoadGenerator(options, sink))
                report = generator.RunAsync().GetAwaiter().GetResult();
            ring?.Flush();
            Print(report, options, json);
            if (sink is not null && sink.RecordsDropped > 0)
                Console.Error.WriteLine($"tracekit load: warning: the ring refused {sink.RecordsDropped} records");
            // Errors are results of the target, reported above; the command itself succeeded.
            return (int)ReturnCode.Ok;
        }
        finally
        {
            ring?.Dispose();
        }
    }

    private static void Print(LoadReport r, LoadOptions options, bool json)
    {
        static string Ms(long ns) => (ns / 1e6).ToString("0.###", CultureInfo.InvariantCulture);
        if (json)
        {
            var statuses = string.Join(",", r.StatusCounts.Select(kv => $"\"{kv.Key}\":{kv.Value}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"target_rate\":{options.RatePerSecond},\"achieved_rate\":{r.AchievedRatePerSecond:0.###},\"scheduled\":{r.Scheduled},\"sent\":{r.Sent},\"not_sent\":{r.NotSent},\"completed\":{r.Completed},\"errors\":{r.Errors},\"status\":{{{statuses}}},\"latency_ms\":{{\"p50\":{Ms(r.P50Ns)},\"p90\":{Ms(r.P90Ns)},\"p99\":{Ms(r.P99Ns)},\"p99_9\":{Ms(r.P999Ns)},\"max\":{Ms(r.MaxNs)}}},\"records_written\":{r.RecordsWritten}}}"));
            return;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rate: target {options.RatePerSecond:0.###}/s, achieved {r.AchievedRatePerSecond:0.###}/s over {r.ElapsedNs / 1e9:0.###} s"));
        Console.WriteLine($"requests: {r.Scheduled} scheduled, {r.Sent} sent, {r.NotSent} not sent (too many in flight), {r.Completed} completed, {r.Errors} errors");
        Console.WriteLine("status: " + (r.StatusCounts.Count == 0 ? "none" : string.Join(", ", r.StatusCounts.Select(kv => $"{kv.Key}×{kv.Value}"))));
        Console.WriteLine($"latency from scheduled send (ms): p50 {Ms(r.P50Ns)}  p90 {Ms(r.P90Ns)}  p99 {Ms(r.P99Ns)}  p99.9 {Ms(r.P999Ns)}  max {Ms(r.MaxNs)}");
    }
}
