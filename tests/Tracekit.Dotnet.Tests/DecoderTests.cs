using Tracekit.Dotnet.Tests.Support;

namespace Tracekit.Dotnet.Tests;

/// <summary>A capture taken in process (Tracekit.EventPipe) and decoded: whole, cut at many offsets, garbage, EventCounters.</summary>
public sealed class DecoderTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracekit-dotnet-decode-").FullName;

    /// <summary>30 requests of 1 MiB each: every kind of record the service's capture can hold.</summary>
    private static bool HoldsEveryKind(MemorySink sink) =>
        sink.Starts.Count(s => s.Path == "/work") >= 30
        && sink.Metrics.Any(m => m.Meter == "System.Runtime" && m.Instrument == "dotnet.gc.heap.total_allocated")
        && sink.Events.Any(e => e.EventType == Tracekit.Format.DotnetEventType.GcStop);

    private static bool HoldsEventCounters(MemorySink sink) =>
        sink.Metrics.Any(m => m.Meter == "EventCounters/System.Runtime" && m.Instrument == "cpu-usage")
        && sink.Metrics.Any(m => m.Meter == "EventCounters/System.Runtime" && m.Instrument == "gc-heap-size");

    private (string Trace, NettraceTarget Target) CaptureService(bool eventCounters = false)
    {
        using var service = ExampleService.Start();
        var messages = new List<CaptureMessage>();
        using var capture = new EventPipeCapture(new CaptureOptions { StreamsDirectory = _dir, Pids = [service.Pid], ForceEventCounters = eventCounters },
            new CaptureIdentity("r", "n", "cloud"), m => { lock (messages) messages.Add(m); });
        capture.Start();
        Assert.True(Waits.Until(() => capture.Targets.Any(t => t.State == TargetState.Attached), TimeSpan.FromSeconds(30)), string.Join("; ", capture.Targets));
        using (var http = new HttpClient())
        {
            for (int i = 0; i < 30; i++) http.GetByteArrayAsync(service.BaseUrl + "/work?resp_kb=1024").GetAwaiter().GetResult();
        }
        string dir = capture.Targets.Single().Directory!;
        LiveCapture.AssertReaches(dir, eventCounters ? HoldsEventCounters : HoldsEveryKind, eventCounters ? "the runtime's EventCounters" : "30 requests, runtime metrics and a GC");
        capture.Stop();
        var meta = CaptureMetadata.TryRead(dir, out _)!;
        return (Path.Combine(dir, CaptureMetadata.TraceFileName), NettraceTarget.FromCapture(meta, CaptureMetadata.ReadAnchors(dir, out _)));
    }

    [Fact]
    public void Decode_WholeCapture_EveryRecordKindAndNoDamage()
    {
        var (trace, target) = CaptureService();
        var sink = new MemorySink();
        var result = NettraceDecoder.Decode(trace, target, sink);
        output.WriteLine(result.ToString());
        Assert.Null(result.Damage);
        Assert.Equal(new FileInfo(trace).Length, result.BytesReadInBytes);
        Assert.Equal(30, sink.Starts.Count(s => s.Path == "/work" && s.Pid == target.Pid && s.ModuleId == "tracekit-example-service"));
        Assert.Equal(sink.Starts.Count, sink.Ends.Count);
        Assert.Contains(sink.Metrics, m => m.Meter == "System.Runtime" && m.Instrument == "dotnet.gc.heap.total_allocated");
        Assert.Contains(sink.Events, e => e.EventType == Tracekit.Format.DotnetEventType.GcStop); // 30 MiB allocated
        Assert.Contains(sink.Metrics, m => m.Meter == "tracekit" && m.Instrument == "eventpipe.events_lost" && m.Value == result.EventsLost);
        // Every stamp lies between attach and the end of the capture (EventPipe's clock is CLOCK_MONOTONIC).
        long first = target.Anchors[0].MonotonicNs, last = target.Anchors[^1].MonotonicNs;
        Assert.All(sink.Ends, e => Assert.InRange((long)e.TimestampNs, first, last));
        Assert.All(sink.Starts, s => Assert.InRange((long)s.TimestampNs, first, last));
    }

    [Fact]
    public void Decode_CutAtManyOffsets_NeverThrowsNeverHangsAndKeepsWhatIsWhole()
    {
        var (trace, target) = CaptureService();
        byte[] bytes = File.ReadAllBytes(trace);
        int whole = NettraceDecoder.Decode(trace, target, new MemorySink()).Invocations is var n ? (int)n : 0;
        string cut = Path.Combine(_dir, "cut.nettrace");
        int previous = 0;
        foreach (int length in new[] { 0, 1, 8, 20, 100 }.Concat(Enumerable.Range(1, 10).Select(i => bytes.Length * i / 10 - 1)).Append(bytes.Length - 1))
        {
            File.WriteAllBytes(cut, bytes.AsSpan(0, Math.Max(0, length)).ToArray());
            var sink = new MemorySink();
            var result = NettraceDecoder.Decode(cut, target, sink);
            output.WriteLine($"{length} bytes: {result.Invocations} invocations; {result.Damage}");
            Assert.NotNull(result.Damage); // a cut file is never reported whole
            Assert.InRange(result.Invocations, previous, whole); // more bytes never give fewer records
            Assert.Equal(sink.Starts.Count, sink.Ends.Count);
            previous = (int)result.Invocations;
        }
        Assert.True(previous > 0);
    }

    [Fact]
    public void Decode_GarbageFile_DamageReportedNoRecords()
    {
        string path = Path.Combine(_dir, "garbage.nettrace");
        var random = new Random(7);
        var bytes = new byte[4096];
        random.NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        var sink = new MemorySink();
        var result = NettraceDecoder.Decode(path, new NettraceTarget { Pid = 1 }, sink);
        Assert.NotNull(result.Damage);
        Assert.Empty(sink.Starts);
    }

    [Fact]
    public void Decode_ForcedEventCounters_RuntimeCountersRecorded()
    {
        var (trace, target) = CaptureService(eventCounters: true);
        var sink = new MemorySink();
        var result = NettraceDecoder.Decode(trace, target, sink);
        output.WriteLine($"{result}; meters: {string.Join(", ", sink.Metrics.Select(m => m.Meter + "/" + m.Instrument).Distinct().Take(30))}");
        Assert.Contains(sink.Metrics, m => m.Meter == "EventCounters/System.Runtime" && m.Instrument == "cpu-usage");
        Assert.Contains(sink.Metrics, m => m.Meter == "EventCounters/System.Runtime" && m.Instrument == "gc-heap-size");
    }

    [Fact]
    public void NettraceTarget_Offset_LatestPairAtOrBefore()
    {
        var t = new NettraceTarget { Pid = 1, Anchors = [new ClockPair(100, 1_100), new ClockPair(200, 1_250)] };
        Assert.Equal(1_000, t.RealtimeMinusMonotonicNs(50));   // before the first: the first
        Assert.Equal(1_000, t.RealtimeMinusMonotonicNs(150));
        Assert.Equal(1_050, t.RealtimeMinusMonotonicNs(200));
        Assert.Null(new NettraceTarget { Pid = 1 }.RealtimeMinusMonotonicNs(5));
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
