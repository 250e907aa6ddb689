using System.Diagnostics;
using Tracekit.Dotnet.Tests.Support;
using Tracekit.Format;

namespace Tracekit.Dotnet.Tests;

/// <summary>GC events, the EventCounters fallback, and a SHARED metrics session next to dotnet-counters.</summary>
public sealed class RuntimeEventsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Trace_AllocatingRequests_GcStartAndStopPairWithPauses()
    {
        using var service = ExampleService.Start();
        var sink = new MemorySink();
        using var tracer = new DotnetTracer(new DotnetTracerOptions { Pids = [service.Pid], Requests = false }, sink);
        tracer.Start();
        Waits.UntilFlowing(tracer, () => !sink.Metrics.IsEmpty);
        using var http = new HttpClient();
        // 50 responses of 4 MiB: 200 MiB of allocations make GCs certain.
        for (int i = 0; i < 50; i++) await http.GetByteArrayAsync(service.BaseUrl + "/work?resp_kb=4096");
        Assert.True(Waits.Until(() => sink.Events.Any(e => e.EventType == DotnetEventType.GcStop), TimeSpan.FromSeconds(15)), "no GC observed");
        tracer.Stop();

        var starts = sink.Events.Where(e => e.EventType == DotnetEventType.GcStart).ToDictionary(e => e.Sequence);
        var stops = sink.Events.Where(e => e.EventType == DotnetEventType.GcStop).ToList();
        output.WriteLine($"{starts.Count} GC starts, {stops.Count} stops; first stop: {stops[0].Detail}, pause {stops[0].DurationNs} ns");
        foreach (var stop in stops)
        {
            Assert.True(starts.TryGetValue(stop.Sequence, out var start), $"GC {stop.Sequence} stopped without a start");
            Assert.True(stop.TimestampNs >= start.TimestampNs);
            Assert.NotNull(stop.DurationNs);
            Assert.InRange(stop.DurationNs!.Value, 1, (long)(stop.TimestampNs - start.TimestampNs) + 1_000_000_000);
            Assert.Equal(service.Pid, stop.Pid);
            Assert.StartsWith("gen=", stop.Detail, StringComparison.Ordinal);
        }
    }

    [Fact(Skip = "KNOWN GAP: the EventCounters fallback reaches the tracer (events are read) but TraceEvent exposes no 'Payload' field for them in this session; values are not recorded yet")]
    public void Trace_ForcedEventCounters_RuntimeCountersRecorded()
    {
        using var service = ExampleService.Start();
        var sink = new MemorySink();
        using var tracer = new DotnetTracer(new DotnetTracerOptions { Pids = [service.Pid], ForceEventCounters = true, GcEvents = false, Requests = false }, sink);
        tracer.Start();
        Assert.True(Waits.Until(() => sink.Metrics.Any(m => m.Instrument == "gc-heap-size"), TimeSpan.FromSeconds(20)),
            "no EventCounters values: " + string.Join("; ", tracer.Targets) + " | " + string.Join(", ", sink.Metrics.Select(m => m.Meter + "/" + m.Instrument).Distinct()));
        tracer.Stop();
        var m = sink.Metrics.First(m => m.Instrument == "cpu-usage");
        Assert.Equal("EventCounters/System.Runtime", m.Meter);
        Assert.True(tracer.Targets.Single().UsingEventCounters);
    }

    /// <summary>dotnet-counters and the tracer read the System.Runtime meter of one process at the same time.</summary>
    [SkippableFact]
    public void Trace_WithDotnetCountersRunning_BothGetRuntimeMetrics()
    {
        string? tool = FindDotnetCounters();
        Skip.If(tool is null, "dotnet-counters not found: install it with `dotnet tool install --tool-path /tmp/dc dotnet-counters` or set TRACEKIT_DOTNET_COUNTERS");
        using var service = ExampleService.Start();
        string csv = Path.Combine(Path.GetTempPath(), $"tracekit-counters-{Guid.NewGuid():N}.csv");
        var psi = new ProcessStartInfo(tool!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "collect", "-p", service.Pid.ToString(), "--counters", "System.Runtime", "--refresh-interval", "1", "--format", "csv", "-o", csv, "--duration", "00:00:00:12" })
            psi.ArgumentList.Add(a);
        using var counters = Process.Start(psi)!;
        counters.OutputDataReceived += (_, _) => { };
        counters.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (psi) output.WriteLine("dotnet-counters: " + e.Data); };
        counters.BeginOutputReadLine();
        counters.BeginErrorReadLine();
        Thread.Sleep(3000); // dotnet-counters opens the SHARED session first

        var sink = new MemorySink();
        var messages = new List<TracerMessage>();
        using (var tracer = new DotnetTracer(new DotnetTracerOptions { Pids = [service.Pid], GcEvents = false, Requests = false }, sink, m => { lock (messages) messages.Add(m); }))
        {
            tracer.Start();
            Assert.True(Waits.Until(() => sink.Metrics.Count(m => m.Meter == "System.Runtime" && m.Instrument == "dotnet.gc.heap.total_allocated") >= 3, TimeSpan.FromSeconds(20)),
                "the tracer got no System.Runtime values while dotnet-counters ran");
            Assert.False(tracer.Targets.Single().UsingEventCounters);
            tracer.Stop();
        }
        Assert.True(counters.WaitForExit(30_000), "dotnet-counters did not end");
        lock (messages) foreach (var m in messages) output.WriteLine(m.ToString());
        var lines = File.ReadAllLines(csv);
        File.Delete(csv);
        Assert.Contains(lines, l => l.Contains("dotnet.gc.heap.total_allocated", StringComparison.Ordinal) || l.Contains("Allocat", StringComparison.Ordinal));
    }

    private static string? FindDotnetCounters()
    {
        var candidates = new List<string?> { Environment.GetEnvironmentVariable("TRACEKIT_DOTNET_COUNTERS"), "/tmp/dc/dotnet-counters",
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-counters") };
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            candidates.Add(Path.Combine(dir, "dotnet-counters"));
        return candidates.FirstOrDefault(File.Exists);
    }
}
