using System.Text.RegularExpressions;

namespace Tracekit.Dotnet.Tests;

/// <summary>Publishes each AOT target variant at most once for the class (a native-AOT publish takes about a minute).</summary>
public sealed class AotTargetFixture
{
    private readonly Lazy<(string? Binary, string? Failure, TimeSpan Elapsed)> _withEventSource = new(() => Publish(true));
    private readonly Lazy<(string? Binary, string? Failure, TimeSpan Elapsed)> _withoutEventSource = new(() => Publish(false));

    /// <summary>The binary of the variant; the test is skipped with the measured reason when it cannot be published.</summary>
    public string Binary(bool eventSourceSupport, ITestOutputHelper output)
    {
        var (binary, failure, elapsed) = (eventSourceSupport ? _withEventSource : _withoutEventSource).Value;
        output.WriteLine(elapsed == TimeSpan.Zero ? "AOT target: reused the cached publish" : $"AOT target: published in {elapsed.TotalSeconds:0.0} s");
        Skip.If(binary is null, failure);
        return binary!;
    }

    private static (string?, string?, TimeSpan) Publish(bool eventSourceSupport)
    {
        string? binary = AotTarget.Publish(eventSourceSupport, out string? failure, out TimeSpan elapsed);
        return (binary, failure, elapsed);
    }
}

/// <summary>
/// A native-AOT target (tests/Tracekit.Dotnet.AotTarget, no web stack: only the runtime's own EventSources) is
/// observed when published with EventSourceSupport=true, and named as unobservable without it (docs/dotnet-tracing.md).
/// </summary>
public sealed class AotTargetTests(AotTargetFixture fixture, ITestOutputHelper output) : IClassFixture<AotTargetFixture>, IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("tracekit-dotnet-aot-").FullName;

    [SkippableFact]
    public void Collect_AotTargetWithEventSourceSupport_RuntimeMetricsAndGcEventsRecorded()
    {
        using var target = AotTarget.Start(fixture.Binary(eventSourceSupport: true, output));
        using var collector = TracekitCli.Collect(_out, "--dotnet", target.Pid.ToString());
        string capture = TracekitCli.WaitForCapture(_out, target.Pid, collector);
        // Several 1 s metric intervals while the target allocates, and a whole GC.
        LiveCapture.AssertReaches(capture, s =>
            s.Metrics.Where(m => m.Meter == "System.Runtime" && m.Instrument == "dotnet.gc.collections{gc.heap.generation=gen0}").Select(m => m.Value).ToList() is { Count: >= 2 } gen0
            && gen0[^1] > 0
            && s.Events.Any(e => e.EventType == Tracekit.Format.DotnetEventType.GcStart) && s.Events.Any(e => e.EventType == Tracekit.Format.DotnetEventType.GcStop && e.DurationNs > 0),
            "two intervals of gen0 collections and a GC");
        TracekitCli.Stop(collector);
        output.WriteLine(collector.Stderr);
        Assert.Contains($"dotnet pid {target.Pid}: attached to {AotTarget.Name} (meter)", collector.Stderr, StringComparison.Ordinal);
        var metadata = CaptureMetadata.TryRead(capture, out _)!;
        Assert.Equal("detached", metadata.Status);
        // No versioned libcoreclr.so is mapped in an AOT binary, so the version is unknown and the meter is asked for.
        Assert.Null(metadata.RuntimeMajorVersion);

        var warnings = new List<string>();
        TracekitCli.Convert(Path.Combine(_out, "run"), warnings);
        foreach (var w in warnings) output.WriteLine(w);
        string cctf = Path.Combine(_out, "run", "cctf");
        var metrics = TracekitCli.ReadJsonl(Path.Combine(cctf, "dotnet_metrics.jsonl")).Where(m => m.Long("pid") == target.Pid).ToList();
        var gen0 = metrics.Where(m => m.Str("meter") == "System.Runtime" && m.Str("instrument") == "dotnet.gc.collections{gc.heap.generation=gen0}")
            .Select(m => m.GetProperty("value").GetDouble()).ToList();
        var events = TracekitCli.ReadJsonl(Path.Combine(cctf, "dotnet_events.jsonl")).Where(e => e.Long("pid") == target.Pid).ToList();
        output.WriteLine($"System.Runtime values {metrics.Count(m => m.Str("meter") == "System.Runtime")}, gen0 collections {string.Join(' ', gen0)}, " +
            $"gc_start {events.Count(e => e.Str("event") == "gc_start")}, gc_stop {events.Count(e => e.Str("event") == "gc_stop")}");
        Assert.True(gen0.Count >= 2, "fewer than two System.Runtime intervals of the AOT target");
        Assert.True(gen0[^1] > 0, "the AOT target's gen0 collection count stayed 0 although it allocates");
        Assert.Contains(events, e => e.Str("event") == "gc_start");
        Assert.Contains(events, e => e.Str("event") == "gc_stop" && e.GetProperty("duration_ms").GetDouble() > 0);
    }

    [SkippableFact]
    public void Collect_AotTargetWithoutEventSourceSupport_NoDiagnosticsSocketWarningAndCleanExit()
    {
        using var target = AotTarget.Start(fixture.Binary(eventSourceSupport: false, output));
        // Only a socket keyed with this process's start time is its own: a dead process of the same PID may have left one.
        string startTicks = File.ReadAllText($"/proc/{target.Pid}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[19];
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), $"dotnet-diagnostic-{target.Pid}-{startTicks}-socket")), "the target has a diagnostics socket");
        using var collector = TracekitCli.Collect(_out, "--duration", "2s", "--dotnet", target.Pid.ToString());
        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(30)));
        output.WriteLine(collector.Stderr);
        Assert.Contains($"tracekit: warning: dotnet pid {target.Pid}: not observable: no diagnostics socket (not a .NET process, DOTNET_EnableDiagnostics=0, " +
            "a native-AOT build without EventSourceSupport=true", collector.Stderr, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(collector.Stderr, $"dotnet pid {target.Pid}:"));
        Assert.False(target.HasExited, "the target must outlive the attempt");
    }

    public void Dispose()
    {
        try { Directory.Delete(_out, recursive: true); } catch (IOException) { }
    }
}
