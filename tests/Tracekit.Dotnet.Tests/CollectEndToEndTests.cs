namespace Tracekit.Dotnet.Tests;

/// <summary>The native-AOT collector captures the example service under open-loop load; the converter decodes the capture.</summary>
public sealed class CollectEndToEndTests(CollectedRunFixture run, ITestOutputHelper output) : IClassFixture<CollectedRunFixture>
{
    private IEnumerable<System.Text.Json.JsonElement> Server(string path) =>
        run.Invocations.Where(r => r.Long("pid") == run.Service.Pid && r.Str("module_id") == "tracekit-example-service" && r.Str("path") == path);

    [Fact]
    public void Collect_OpenLoopLoad_ServerInvocationsEqualRequestsTheServiceCompleted()
    {
        output.WriteLine(run.CollectorStderr);
        output.WriteLine($"load: {run.Load}");
        long completed = run.Completed["/work"];
        long lost = run.EventsLost;
        var server = Server("/work").ToList();
        output.WriteLine($"service completed /work: {completed}; server invocations: {server.Count}; EventPipe lost: {lost}");
        Assert.Equal(CollectedRunFixture.Rate * CollectedRunFixture.DurationSeconds, run.Load.GetProperty("scheduled").GetInt64());
        Assert.Equal(0, run.Load.GetProperty("errors").GetInt64());
        // /work is requested by the load (2000) and once by the hop.
        Assert.Equal(run.Load.GetProperty("completed").GetInt64() + 1, completed);
        // Exactly what the service completed, less what EventPipe itself reports dropped (then the audit says so).
        Assert.InRange(server.Count, completed - lost, completed);
        if (lost == 0) Assert.Equal(completed, server.Count);
        Assert.All(server, s =>
        {
            Assert.Equal(("node", "cloud", "GET", 200L), (s.Str("node"), s.Str("stage"), s.Str("method"), s.Long("status")));
            Assert.NotNull(s.Long("ts_start"));
            Assert.NotNull(s.Long("ts_end"));
        });
    }

    [Fact]
    public void Collect_OpenLoopLoad_EveryServerSpanStartsAfterItsClientSent()
    {
        var client = run.Invocations.Where(r => r.Str("module_id") == "tracekit-load").ToDictionary(r => r.Str("trace_id")!);
        Assert.Equal(run.Load.GetProperty("completed").GetInt64(), client.Count);
        int longer = 0, checkedCount = 0;
        foreach (var s in Server("/work").Where(s => s.Str("trace_id") != run.HopTraceId))
        {
            Assert.True(client.TryGetValue(s.Str("trace_id")!, out var c), $"server trace {s.Str("trace_id")} has no client request");
            // The traceparent the load generator sent was honoured: its span is the server span's parent.
            Assert.Equal(c.Str("span_id"), s.Str("parent_id"));
            // Causality: the server starts after the client sent (epoch ms, both mapped by the collector's clock pairs).
            Assert.True(s.Long("ts_start") >= c.Long("ts_start"), $"trace {s.Str("trace_id")}: server starts at {s.Long("ts_start")} before the client sent at {c.Long("ts_start")}");
            // The end only statistically (docs/dotnet-tracing.md, "Server span timing"): counted, not failed.
            if (s.Long("ts_end") - s.Long("ts_start") > c.Long("ts_end") - c.Long("ts_enqueue")) longer++;
            checkedCount++;
        }
        output.WriteLine($"server durations longer than the client latency (ms resolution): {longer} of {checkedCount}");
        Assert.True(checkedCount > 0);
    }

    /// <summary>The runtime metrics the issue asks for, as the .NET 10 System.Runtime meter names them (with tags, as the converter writes them).</summary>
    private static readonly string[] RequiredRuntimeInstruments =
    [
        "dotnet.gc.last_collection.heap.size{gc.heap.generation=gen0}", // GC heap size (one row per generation)
        "dotnet.gc.last_collection.heap.size{gc.heap.generation=loh}",
        "dotnet.gc.last_collection.memory.committed_size",
        "dotnet.gc.pause.time",
        "dotnet.gc.collections{gc.heap.generation=gen0}",
        "dotnet.gc.heap.total_allocated", // cumulative bytes: the allocation rate is its difference over time
        "dotnet.thread_pool.thread.count",
        "dotnet.thread_pool.queue.length",
        // The fixture's invalid JSON document: the parser's internal exception type, caught by the route.
        "dotnet.exceptions{error.type=JsonReaderException}",
        "dotnet.process.memory.working_set",
        "dotnet.process.cpu.time{cpu.mode=user}",
        "dotnet.process.cpu.time{cpu.mode=system}",
    ];

    [Fact]
    public void Collect_OpenLoopLoad_RuntimeMetricsEverySecondAndGcPairs()
    {
        var metrics = run.Metrics.Where(m => m.Long("pid") == run.Service.Pid && m.Str("meter") == "System.Runtime").ToList();
        var instruments = metrics.Select(m => m.Str("instrument")).Distinct().Order().ToList();
        output.WriteLine("instruments: " + string.Join(", ", instruments));
        // Empty, or the names that are missing.
        Assert.Empty(RequiredRuntimeInstruments.Except(instruments));
        var stamps = metrics.Where(m => m.Str("instrument") == "dotnet.gc.heap.total_allocated").Select(m => m.Long("ts_ms")!.Value).Order().ToList();
        Assert.True(stamps.Count >= 8, $"only {stamps.Count} values of dotnet.gc.heap.total_allocated in about 12 s");
        var gaps = stamps.Zip(stamps.Skip(1), (a, b) => b - a).Order().ToList();
        output.WriteLine($"metric gaps (ms): median {gaps[gaps.Count / 2]}, min {gaps[0]}, max {gaps[^1]}");
        Assert.InRange(gaps[gaps.Count / 2], 700, 1500); // the 1 s interval
        // 2000 responses of 64 KiB: GCs are certain; every stop has its start and a pause.
        var starts = run.Events.Where(e => e.Long("pid") == run.Service.Pid && e.Str("event") == "gc_start").Select(e => e.Long("sequence")).ToHashSet();
        var stops = run.Events.Where(e => e.Long("pid") == run.Service.Pid && e.Str("event") == "gc_stop").ToList();
        Assert.NotEmpty(stops);
        Assert.All(stops, s => Assert.Contains(s.Long("sequence"), starts));
        Assert.All(stops, s => Assert.True(s.GetProperty("duration_ms").GetDouble() > 0));
    }

    [Fact]
    public void Collect_MultiHopRequest_ParentAndChildInvocationsJoinOnTraceId()
    {
        var spans = run.Invocations.Where(r => r.Str("trace_id") == run.HopTraceId).ToList();
        var hop = Assert.Single(spans, s => s.Str("path") == "/hop");
        var outgoing = Assert.Single(spans, s => s.Str("path") is { } p && p.StartsWith("http://", StringComparison.Ordinal));
        var work = Assert.Single(spans, s => s.Str("path") == "/work");
        Assert.Equal(run.HopRootSpan, hop.Str("parent_id"));
        Assert.Equal(hop.Str("span_id"), outgoing.Str("parent_id"));
        Assert.Equal(outgoing.Str("span_id"), work.Str("parent_id"));
        Assert.Equal(run.Service.BaseUrl + "/work", outgoing.Str("path"));
        Assert.All(spans, s => Assert.Equal((long?)run.Service.Pid, s.Long("pid")));
        Assert.All(spans, s => Assert.Equal(200L, s.Long("status")));
        Assert.True(outgoing.Long("ts_start") >= hop.Long("ts_start") && outgoing.Long("ts_end") <= hop.Long("ts_end"), "the child call lies within its parent");
    }

    [Fact]
    public void Convert_Capture_AuditListsTheCaptureWithItsLostEvents()
    {
        output.WriteLine(run.Audit[run.Audit.IndexOf("## .NET captures", StringComparison.Ordinal)..]);
        Assert.Contains("## .NET captures (EventPipe)", run.Audit, StringComparison.Ordinal);
        Assert.Contains($"| node | streams/{Path.GetFileName(run.CaptureDirectory)} | {run.Service.Pid} | tracekit-example-service | detached (collector stopped) |", run.Audit, StringComparison.Ordinal);
        Assert.Contains($"EventPipe lost events, all captures: {run.EventsLost}.", run.Audit, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Warnings, w => w.Contains("dotnet-", StringComparison.Ordinal) && !w.Contains("dropped", StringComparison.Ordinal));
        // The scratch ring's header anchor (conversion time) must not reach the clock anchors; the capture's pairs do.
        var anchors = TracekitCli.ReadJsonl(Path.Combine(run.Out, "run", "cctf", "clock_anchors.jsonl")).Where(a => a.Str("stream")!.StartsWith("streams/dotnet-", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(anchors);
        Assert.All(anchors, a => Assert.Equal("record", a.Str("source")));
    }
}
