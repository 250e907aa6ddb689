using Tracekit.Contracts;
using Tracekit.Dotnet.Parsing;
using Tracekit.Format;

namespace Tracekit.Dotnet.Tests;

public sealed class ParsingTests
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string SpanId = "b7ad6b7169203331";

    private static Dictionary<string, object>[] Args(params (string Key, string Value)[] pairs) =>
        pairs.Select(p => new Dictionary<string, object> { ["Key"] = p.Key, ["Value"] = p.Value }).ToArray();

    [Fact]
    public void TagListFind_SeveralTags_ReturnsEachValue()
    {
        const string tags = "[server.address, 127.0.0.1],[http.request.method, GET],[url.path, /kv/a,b],[http.response.status_code, 404],[http.route, /kv/{key}]";
        Assert.Equal("GET", TagList.Find(tags, "http.request.method"));
        Assert.Equal("/kv/a,b", TagList.Find(tags, "url.path"));
        Assert.Equal("404", TagList.Find(tags, "http.response.status_code"));
        Assert.Equal("/kv/{key}", TagList.Find(tags, "http.route"));
        Assert.Null(TagList.Find(tags, "http.request"));
        Assert.Null(TagList.Find("", "url.path"));
        Assert.Null(TagList.Find("garbage without brackets", "url.path"));
    }

    [Fact]
    public void ActivityStopTryParse_ServerEndRequest_TakesMethodPathStatusParentAndStart()
    {
        var args = Args(("TraceId", TraceId), ("SpanId", SpanId), ("ParentSpanId", "00f067aa0ba902b7"), ("StartTicks", "638000000000000000"),
            ("Method", "POST"), ("Path", "/kv/x"), ("Status", "204"));
        Assert.True(ActivityStop.TryParse(ActivityStop.EndRequestEvent, args, out var stop, out _));
        Assert.Equal(SpanKind.Server, stop.Kind);
        Assert.Equal(TraceId, stop.TraceId);
        Assert.Equal(SpanId, stop.SpanId);
        Assert.Equal("00f067aa0ba902b7", stop.ParentId);
        Assert.Equal(638000000000000000, stop.StartUtcTicks);
        Assert.Equal("POST", stop.Method);
        Assert.Equal("/kv/x", stop.Path);
        Assert.Equal(204, stop.Status);
    }

    [Theory]
    [InlineData("5000000000", 5_400_000_000L, 5_000_000_000L)] // hosting's stamp precedes the event: taken
    [InlineData(null, 6_000_000_000L, 6_000_000_000L)]          // UnhandledException has none: the event's
    [InlineData("7000000000", 6_000_000_000L, 6_000_000_000L)]  // after the event: not the same clock
    [InlineData("1000", 6_000_000_000L, 6_000_000_000L)]        // more than 1 s before: not the same clock
    public void ActivityStopEndNs_ServerEndTimestamp_UsedOnlyWhenPlausible(string? endTimestamp, long eventNs, long expectedNs)
    {
        var fields = new List<(string, string)> { ("TraceId", TraceId), ("SpanId", SpanId), ("StartTicks", "1") };
        if (endTimestamp is not null) fields.Add(("EndTimestamp", endTimestamp));
        Assert.True(ActivityStop.TryParse(ActivityStop.EndRequestEvent, Args([.. fields]), out var stop, out _));
        Assert.Equal(expectedNs, stop.EndNs(eventNs));
    }

    [Fact]
    public void ActivityStopEndNs_ClientSpan_EventStamp()
    {
        var args = Args(("TraceId", TraceId), ("SpanId", SpanId), ("DurationTicks", "10"), ("EndTimestamp", "5000000000"));
        Assert.True(ActivityStop.TryParse(ActivityStop.ClientActivity, args, out var stop, out _));
        Assert.Equal(6_000_000_000L, stop.EndNs(6_000_000_000L));
    }

    [Theory]
    [InlineData("True", true)]
    [InlineData("False", false)]
    [InlineData(null, null)] // a session without a sampler writes no Recorded field
    public void ActivityStopTryParse_RecordedField_TellsSampledFromDropped(string? recorded, bool? expected)
    {
        var pairs = new List<(string, string)> { ("TraceId", TraceId), ("SpanId", SpanId), ("StartTicks", "1") };
        if (recorded is not null) pairs.Add(("Recorded", recorded));
        Assert.True(ActivityStop.TryParse(ActivityStop.EndRequestEvent, Args([.. pairs]), out var stop, out _));
        Assert.Equal(expected, stop.Recorded);
    }

    [Fact]
    public void LeanRequests_InterleavedRequests_PairedByActivityIdNotByOrder()
    {
        var sink = new MemorySink();
        var lean = new LeanRequests(new NettraceTarget { Pid = 42, Module = "svc" }, sink);
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        lean.OnStart(a, 1_000, "GET", "/a");
        lean.OnStart(b, 2_000, "POST", "/b");
        lean.OnStop(b, 2_500);
        lean.OnStop(a, 3_000);

        Assert.Equal(2, lean.Invocations);
        Assert.Equal([("POST", "/b", 2_000UL), ("GET", "/a", 1_000UL)], sink.Starts.Select(s => (s.Method!, s.Path!, s.TimestampNs)));
        Assert.Equal([2_500UL, 3_000UL], sink.Ends.Select(e => e.TimestampNs));
        Assert.Equal(sink.Starts.Select(s => s.SpanId), sink.Ends.Select(e => e.SpanId));
        Assert.All(sink.Starts, s => Assert.Equal(("", 42, 1.0), (s.TraceId, s.Pid!.Value, s.SampleRatio!.Value)));
        Assert.All(sink.Ends, e => Assert.Null(e.Status));
    }

    [Fact]
    public void LeanRequests_StopWithoutStartOrNoActivityId_SkippedAndOpenStartsCounted()
    {
        var sink = new MemorySink();
        var lean = new LeanRequests(new NettraceTarget { Pid = 42 }, sink);
        lean.OnStop(Guid.NewGuid(), 1_000);         // began before the session
        lean.OnStart(Guid.Empty, 1_000, "GET", "/"); // TPL activity ids off: cannot pair
        lean.OnStop(Guid.Empty, 2_000);
        lean.OnStart(Guid.NewGuid(), 3_000, "GET", "/open");

        Assert.Equal(0, lean.Invocations);
        Assert.Empty(sink.Starts);
        Assert.Equal(1, lean.Unfinished);
    }

    [Fact]
    public void ActivityStopTryParse_UnhandledException_Status500()
    {
        var args = Args(("TraceId", TraceId), ("SpanId", SpanId), ("StartTicks", "1"), ("Method", "GET"), ("Path", "/boom"), ("Status", "200"));
        Assert.True(ActivityStop.TryParse(ActivityStop.UnhandledExceptionEvent, args, out var stop, out _));
        Assert.Equal(500, stop.Status);
        Assert.Null(stop.ParentId);
    }

    [Fact]
    public void ActivityStopTryParse_ServerWithoutActivity_Rejected()
    {
        // No current Activity: the spec's *Activity fields are absent.
        var args = Args(("Method", "GET"), ("Path", "/"), ("Status", "200"));
        Assert.False(ActivityStop.TryParse(ActivityStop.EndRequestEvent, args, out _, out var problem));
        Assert.Contains("trace id", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ActivityStopTryParse_RootClientSpan_NoParentAndUrlWithoutQuery()
    {
        var args = Args(("TraceId", TraceId), ("SpanId", SpanId), ("ParentSpanId", "0000000000000000"), ("DurationTicks", "10"),
            ("Tags", "[http.request.method, GET],[url.full, http://127.0.0.1:5000/work?cpu_ms=1]"));
        Assert.True(ActivityStop.TryParse(ActivityStop.ClientActivity, args, out var stop, out _));
        Assert.Equal(SpanKind.Client, stop.Kind);
        Assert.Null(stop.ParentId);
        Assert.Equal("http://127.0.0.1:5000/work", stop.Path);
        Assert.Null(stop.Status); // a failed request has no status code tag
    }

    [Theory]
    [InlineData("not-hex-at-all", SpanId, "10")]
    [InlineData(TraceId, "short", "10")]
    [InlineData(TraceId, SpanId, "")]
    [InlineData(TraceId, SpanId, "-5")]
    public void ActivityStopTryParse_BadIdsOrDuration_Rejected(string traceId, string spanId, string ticks)
    {
        var args = Args(("TraceId", traceId), ("SpanId", spanId), ("DurationTicks", ticks));
        Assert.False(ActivityStop.TryParse(ActivityStop.ClientActivity, args, out _, out var problem));
        Assert.NotNull(problem);
    }

    [Fact]
    public void ActivityStopTryParse_UnknownActivityOrNoArguments_Rejected()
    {
        Assert.False(ActivityStop.TryParse("Some.Other.Activity", Args(("TraceId", TraceId)), out _, out _));
        Assert.False(ActivityStop.TryParse(ActivityStop.EndRequestEvent, null, out _, out _));
    }

    [Fact]
    public void MetricPayloadTryRead_CounterWithTags_CumulativeValueAndSeriesName()
    {
        Assert.True(MetricPayload.TryRead(MetricPayload.CounterRate, "dotnet.gc.collections", "gc.heap.generation=gen0", "2", "41", null, out var series, out var value));
        Assert.Equal("dotnet.gc.collections{gc.heap.generation=gen0}", series);
        Assert.Equal(41, value);
        Assert.True(MetricPayload.TryRead(MetricPayload.CounterRate, "dotnet.exceptions", "", "3", "", null, out series, out value));
        Assert.Equal(("dotnet.exceptions", 3.0), (series, value)); // no cumulative value sent: the rate
        Assert.True(MetricPayload.TryRead(MetricPayload.Gauge, "g", null, null, null, "1.5E3", out _, out value));
        Assert.Equal(1500, value);
        Assert.False(MetricPayload.TryRead("HistogramValuePublished", "h", null, null, null, null, out _, out _));
        Assert.False(MetricPayload.TryRead(MetricPayload.Gauge, "g", null, null, null, "NaN", out _, out _));
        Assert.False(MetricPayload.TryRead(MetricPayload.UpDownCounterRate, "", null, "1", "1", null, out _, out _));
    }

    [Fact]
    public void MetricPayloadTryReadEventCounter_MeanAndSumCounters_RightField()
    {
        var mean = new Dictionary<string, object> { ["Name"] = "gc-heap-size", ["Mean"] = 12.5, ["Increment"] = 99.0, ["CounterType"] = "Mean", ["DisplayUnits"] = "MB" };
        Assert.True(MetricPayload.TryReadEventCounter(mean, out var name, out var value, out var unit));
        Assert.Equal(("gc-heap-size", 12.5, "MB"), (name, value, unit));
        var sum = new Dictionary<string, object> { ["Name"] = "exception-count", ["Mean"] = 0.0, ["Increment"] = 4.0, ["CounterType"] = "Sum", ["DisplayUnits"] = "" };
        Assert.True(MetricPayload.TryReadEventCounter(sum, out _, out value, out unit));
        Assert.Equal((4.0, (string?)null), (value, unit));
        Assert.False(MetricPayload.TryReadEventCounter(new Dictionary<string, object> { ["Mean"] = 1.0 }, out _, out _, out _));
    }

    [Fact]
    public void GcTracker_BlockingGc_StopAfterRestartWithPause()
    {
        var gc = new GcTracker();
        var sink = new MemorySink();
        gc.OnSuspendBegin(1_000);
        gc.OnStart(1_100, 7, 0, "AllocSmall", "NonConcurrentGC", 42, sink);
        gc.OnEnd(1_900, 7, 42, sink);
        Assert.Single(sink.Events); // the stop waits for the end of the pause
        gc.OnRestartEnd(2_000, 42, sink);
        var stop = sink.Events.Last();
        Assert.Equal((DotnetEventType.GcStop, 7UL, 1_000L, 2_000UL), (stop.EventType, stop.Sequence, stop.DurationNs!.Value, stop.TimestampNs));
        Assert.Equal("gen=0;gcNs=800", stop.Detail);
        Assert.Equal("gen=0;reason=AllocSmall;type=NonConcurrentGC", sink.Events.First().Detail);
    }

    [Fact]
    public void GcTracker_BackgroundGcWithTwoPauses_PausesSummedAndStopAtEnd()
    {
        var gc = new GcTracker();
        var sink = new MemorySink();
        gc.OnSuspendBegin(0);
        gc.OnStart(10, 3, 2, "AllocLarge", "BackgroundGC", 1, sink);
        gc.OnRestartEnd(100, 1, sink);      // first pause: 100
        gc.OnSuspendBegin(5_000);
        gc.OnRestartEnd(5_050, 1, sink);    // second pause: 50
        gc.OnEnd(9_000, 3, 1, sink);        // ends while the program runs
        var stop = Assert.Single(sink.Events, e => e.EventType == DotnetEventType.GcStop);
        Assert.Equal(150, stop.DurationNs);
        Assert.Equal(9_000UL, stop.TimestampNs);
    }

    [Fact]
    public void GcTracker_EndWithoutStart_Ignored()
    {
        var gc = new GcTracker();
        var sink = new MemorySink();
        gc.OnEnd(5, 99, 1, sink);
        gc.OnRestartEnd(6, 1, sink);
        Assert.Empty(sink.Events);
    }
}
