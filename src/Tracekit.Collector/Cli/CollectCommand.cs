using System.CommandLine;
using System.Runtime.InteropServices;
using Tracekit.Collector.Sampling;
using Tracekit.Ring;

namespace Tracekit.Collector.Cli;

internal static class CollectCommand
{
    private static readonly Option<string> RunIdOption = CommonOptions.RunId();
    private static readonly Option<string> NodeIdOption = CommonOptions.NodeId();
    private static readonly Option<string> StageOption = CommonOptions.Stage();
    private static readonly Option<string> OutOption = CommonOptions.Out();
    private static readonly Option<long> IntervalOption = CommonOptions.IntervalNs();
    private static readonly Option<long?> DurationOption = ValueParsers.OptionalDurationNs("--duration", "Stop after this long (for example 30s, 5m). Default: until stopped.",
        minNs: 1, maxNs: long.MaxValue / 2, rangeText: "of at least 1ns");
    private static readonly Option<long> RingSizeOption = ValueParsers.SizeInBytes("--ring-size", "One ring segment's data area: a power of two from 64KiB to 1GiB.", "16MiB",
        IsValidRingSize, "must be a power of two from 64KiB to 1GiB (for example 16MiB)");
    private static readonly Option<string> PolicyOption = new("--policy") { Description = "overwrite (a bounded flight recorder) or no-loss (roll to new segments).", DefaultValueFactory = _ => "no-loss" };
    private static readonly Option<long?> MaxSizeOption = ValueParsers.OptionalSizeInBytes("--max-size", "no-loss: the disk all segments may use; beyond it records are dropped and counted.",
        static _ => true, "is not a size (for example 1GiB)");
    private static readonly Option<int[]> PidOption = new("--pid", "-p") { Description = "A process to sample (repeatable); its children are followed.", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string?> PidDirOption = new("--pid-dir") { Description = "A folder of files named by PID; PIDs added or removed while running are followed." };
    private static readonly Option<string?> MatchOption = new("--match") { Description = "Sample processes whose command name or command line matches this regular expression." };
    private static readonly Option<string[]> CgroupOption = new("--cgroup") { Description = "A cgroup (v1 or v2; absolute or relative to the hierarchy root) to sample (repeatable)." };
    private static readonly Option<string[]> ContainerOption = new("--container") { Description = "A container, by Docker or Podman name or by id, found through its cgroup (repeatable). One that does not run yet is sampled from when it starts; each start and stop is a placement event." };
    private static readonly Option<bool> AllOption = new("--all") { Description = "Sample every process on the host." };
    private static readonly Option<long?> HostIntervalOption = ValueParsers.OptionalDurationNs("--host-interval", "How often host CPU, memory and network are read: a multiple of --interval. Default: --interval, but at least 100ms (/proc/stat counts in 10 ms ticks, so faster host reads add cost, not information).",
        minNs: 1_000_000, maxNs: 3_600_000_000_000, rangeText: "from 1ms to 1h");
    private static readonly Option<string> PriorityOption = new("--priority") { Description = "auto: the sampling thread runs realtime (SCHED_FIFO 1) when permitted (root or CAP_SYS_NICE), so a loaded host does not delay ticks; realtime: the same, or fail; normal: never.", DefaultValueFactory = _ => "auto" };
    private static readonly Option<string[]> DotnetOption = new("--dotnet") { Description = "Capture .NET processes over EventPipe (runtime metrics, GC, requests): 'all' (or nothing) for those the other target options select, every .NET process when there are none; or PIDs.", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = true };
    private static readonly Option<string[]> DotnetSourcesOption = new("--dotnet-sources") { Description = "With --dotnet: what to capture, comma-separated, from metrics (System.Runtime meter at max(--interval, 1s)), gc (GC start/stop and pauses), requests (one invocation per ASP.NET Core request and HttpClient call), requests-lean (instead of requests: start and stop per ASP.NET Core request with method, path and times; no status, no trace id, no HttpClient calls; cheaper). Default: metrics,gc,requests.", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<int?> DotnetBufferOption = new("--dotnet-buffer") { Description = "With --dotnet: EventPipe's buffer in each target, in MiB (1 to 1024). When the collector falls behind for longer than the buffer holds, the target drops events and the converter reports how many. Default: 16." };
    private static readonly Option<string?> DotnetRequestSampleOption = new("--dotnet-request-sample") { Description = "With --dotnet and the requests source: the share of traces recorded, a ratio above 0 and at most 1 (0.1 = 10%). The target's sampler decides by trace id, so a trace is kept or dropped whole across services; a request with a traceparent follows its sampled flag. Each invocation records its ratio; reports scale counts by it. Default: 1." };
    private static readonly Option<string[]> PeerOption = new("--peer") { Description = "HOST[:PORT] to measure the RTT to by TCP connect time (repeatable; port 22 by default)." };

    public static Command Create()
    {
        var command = new Command("collect", "Sample the host, and the selected processes and cgroups, until stopped.")
        {
            RunIdOption, NodeIdOption, StageOption, OutOption, IntervalOption, DurationOption, RingSizeOption,
            PolicyOption, MaxSizeOption, PidOption, PidDirOption, MatchOption, CgroupOption, ContainerOption, AllOption, PeerOption, HostIntervalOption, PriorityOption, DotnetOption, DotnetSourcesOption, DotnetBufferOption,
            DotnetRequestSampleOption,
        };
        command.SetAction(parse =>
        {
            try
            {
                return Execute(BuildSettings(parse));
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"tracekit collect: {e.Message}");
                return (int)ReturnCode.ArgumentError;
            }
        });
        return command;
    }

    internal static CollectSettings BuildSettings(ParseResult parse)
    {
        long intervalNs = parse.GetValue(IntervalOption);
        long hostIntervalNs = HostIntervalNs(intervalNs, parse.GetValue(HostIntervalOption));
        var priority = parse.GetValue(PriorityOption) switch
        {
            "auto" => SamplingPriority.Auto,
            "realtime" => SamplingPriority.Realtime,
            "normal" => SamplingPriority.Normal,
            var p => throw new ArgumentException($"--priority '{p}' must be auto, realtime or normal"),
        };
        long durationNs = parse.GetValue(DurationOption) ?? 0;
        long ringBytes = parse.GetValue(RingSizeOption);
        long maxBytes = parse.GetValue(MaxSizeOption) ?? 0;
        var policy = parse.GetValue(PolicyOption) switch
        {
            "no-loss" => RingPolicy.NoLoss,
            "overwrite" => RingPolicy.Overwrite,
            var p => throw new ArgumentException($"--policy '{p}' must be overwrite or no-loss"),
        };
        if (policy == RingPolicy.Overwrite && maxBytes > 0)
            throw new ArgumentException("--max-size applies to --policy no-loss only (overwrite uses one segment of --ring-size)");
        if (maxBytes > 0 && maxBytes < ringBytes + 4096)
            throw new ArgumentException($"--max-size must hold at least one segment ({ringBytes + 4096} bytes with its header)");
        if (parse.GetValue(MatchOption) is { } pattern)
        {
            try { _ = new System.Text.RegularExpressions.Regex(pattern); }
            catch (System.Text.RegularExpressions.RegexParseException e)
            {
                throw new ArgumentException($"--match '{pattern}' is not a valid regular expression (the problem is at character {e.Offset}); check its brackets, parentheses and escapes, or quote the pattern so the shell leaves it alone");
            }
        }
        foreach (var pid in parse.GetValue(PidOption) ?? [])
        {
            if (pid <= 0) throw new ArgumentException($"--pid {pid} is not a process id");
        }

        return new CollectSettings
        {
            RunId = parse.GetValue(RunIdOption)!,
            NodeId = parse.GetValue(NodeIdOption)!,
            Stage = parse.GetValue(StageOption)!,
            OutDirectory = parse.GetValue(OutOption)!,
            IntervalNs = intervalNs,
            HostIntervalNs = hostIntervalNs,
            Priority = priority,
            DurationNs = durationNs,
            RingSizeInBytes = ringBytes,
            Policy = policy,
            MaxSizeInBytes = maxBytes,
            Pids = parse.GetValue(PidOption) ?? [],
            PidDirectory = parse.GetValue(PidDirOption),
            MatchPattern = parse.GetValue(MatchOption),
            Cgroups = parse.GetValue(CgroupOption) ?? [],
            Containers = parse.GetValue(ContainerOption) ?? [],
            All = parse.GetValue(AllOption),
            Peers = parse.GetValue(PeerOption) ?? [],
            Dotnet = ParseDotnet(parse),
        };
    }

    /// <summary>
    /// The host's interval: given, it must be a multiple of the sampling interval; by default the interval, but at
    /// least 100 ms, at the first multiple of the interval (an interval of 30ms reads the host every 120 ms).
    /// </summary>
    private static long HostIntervalNs(long intervalNs, long? givenNs)
    {
        if (givenNs is { } hostNs)
        {
            if (hostNs < intervalNs || hostNs % intervalNs != 0)
                throw new ArgumentException($"--host-interval {ValueParsers.FormatDuration(hostNs)} must be a multiple of --interval ({ValueParsers.FormatDuration(intervalNs)})");
            return hostNs;
        }
        long defaultNs = Math.Max(intervalNs, 100_000_000);
        return defaultNs % intervalNs == 0 ? defaultNs : (defaultNs / intervalNs + 1) * intervalNs;
    }

    private static Dotnet.DotnetSelection? ParseDotnet(ParseResult parse)
    {
        bool sourcesGiven = parse.GetResult(DotnetSourcesOption) is not null;
        int? bufferMb = parse.GetValue(DotnetBufferOption);
        if (parse.GetResult(DotnetOption) is null)
        {
            if (sourcesGiven) throw new ArgumentException("--dotnet-sources needs --dotnet");
            if (bufferMb is not null) throw new ArgumentException("--dotnet-buffer needs --dotnet");
            if (parse.GetResult(DotnetRequestSampleOption) is not null) throw new ArgumentException("--dotnet-request-sample needs --dotnet");
            return null;
        }
        if (bufferMb is < 1 or > Dotnet.DotnetSelection.MaxBufferSizeInMb)
            throw new ArgumentException($"--dotnet-buffer {bufferMb} is not a size in MiB from 1 to {Dotnet.DotnetSelection.MaxBufferSizeInMb}");
        var selection = Dotnet.DotnetSelection.Parse(parse.GetValue(DotnetOption) ?? []);
        if (sourcesGiven) selection = selection.WithSources(parse.GetValue(DotnetSourcesOption) ?? []);
        if (parse.GetResult(DotnetRequestSampleOption) is not null)
            selection = selection.WithRequestSample(parse.GetValue(DotnetRequestSampleOption));
        return bufferMb is { } mb ? selection with { BufferSizeInMb = mb } : selection;
    }

    private static bool IsValidRingSize(long bytes) => bytes >= 64 * 1024 && bytes <= 1L << 30 && (bytes & (bytes - 1)) == 0;

    private static int Execute(CollectSettings settings)
    {
        if (settings.DurationNs > 0 && settings.DurationNs < settings.IntervalNs)
            Console.Error.WriteLine($"tracekit collect: warning: --duration {ValueParsers.FormatDuration(settings.DurationNs)} is shorter than --interval {ValueParsers.FormatDuration(settings.IntervalNs)}: the run takes one tick, at its start, and a final host reading; shorten --interval for samples in between");
        // Before the session: its thread may enter SCHED_FIFO, which threads started from it would inherit.
        using var dotnet = Dotnet.DotnetCollect.Start(settings);
        CollectSession session;
        try
        {
            session = CollectSession.Start(settings);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"tracekit collect: cannot start: {CommonOptions.OutputProblem(e, settings.OutDirectory)}");
            return (int)ReturnCode.OutputError;
        }

        using (session)
        {
            // SIGINT and SIGTERM end the loop at the next tick; the ring is then flushed and closed cleanly.
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; session.RequestStop(); });
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; session.RequestStop(); });
            Console.Error.WriteLine($"tracekit collect: writing to {settings.NodeDirectory} every {ValueParsers.FormatDuration(settings.IntervalNs)} (host every {ValueParsers.FormatDuration(settings.HostIntervalNs)}; {(session.IsRealtime ? "realtime sampling thread" : "normal scheduling")})");
            session.Run();
            dotnet?.Stop();
            // Records lost to a full disk are data nobody chose to lose: a script must not take the run as whole.
            if (session.LostRecordsToFailure) return (int)ReturnCode.OutputError;
        }
        return (int)ReturnCode.Ok;
    }
}
