using System.Collections.Concurrent;
using Tracekit.Format;

namespace Tracekit.Load.Tests;

/// <summary>
/// The open-loop scheduler against a tiny HTTP/1.1 server on 127.0.0.1: request i is due at start + i / rate, every
/// request becomes an InvocationStart/End pair, and failures and overload are counted, never hidden.
/// </summary>
public sealed class LoadGeneratorTests
{
    [Fact]
    public async Task RunAsync_ResponsiveTarget_EveryDueRequestSentOnItsScheduleAndRecorded()
    {
        await using var server = TinyHttpServer.Start(respond: true);
        var sink = new MemorySink();
        var options = new LoadOptions { Urls = [server.Url("/x")], RatePerSecond = 200, DurationNs = 500_000_000, Connections = 4 };
        using var generator = new LoadGenerator(options, sink);

        var report = await generator.RunAsync();

        Assert.Equal(100, report.Scheduled); // floor(0.5 s × 200/s)
        Assert.Equal(100, report.Sent);
        Assert.Equal(100, report.Completed);
        Assert.Equal(0, report.Errors);
        Assert.Equal(100, report.StatusCounts[200]);
        Assert.Equal(200, report.RecordsWritten);
        Assert.True(report.MaxNs >= report.P50Ns && report.P50Ns > 0);

        // Open loop: the due times (enqueueNs) are start + i × 5 ms exactly, whatever the responses did.
        var due = sink.Starts.Select(s => s.EnqueueNs!.Value).Order().ToList();
        for (int i = 1; i < due.Count; i++)
        {
            Assert.Equal(5_000_000, due[i] - due[i - 1]);
        }

        Assert.All(sink.Starts, s => Assert.Equal(("GET", "/x", "tracekit-load"), (s.Method, s.Path, s.ModuleId)));
        // A client record names no process: it is not a job of the load generator's (docs/dotnet-tracing.md).
        Assert.All(sink.Starts, static s => Assert.Null(s.Pid));
        Assert.Equal(sink.Starts.Select(s => s.TraceId).Order(), sink.Ends.Select(e => e.TraceId).Order());
        Assert.All(sink.Ends, e => Assert.Equal(200, e.Status));

        // Each request carried a traceparent naming its own invocation.
        var sent = sink.Starts.Select(s => $"00-{s.TraceId}-{s.SpanId}-01").Order();
        Assert.Equal(sent, server.TraceParents.Order());
    }

    [Fact]
    public async Task RunAsync_NothingListening_EveryRequestAnErrorWithAnEndWithoutStatus()
    {
        var url = TinyHttpServer.UnusedUrl();
        var sink = new MemorySink();
        using var generator = new LoadGenerator(new LoadOptions { Urls = [url], RatePerSecond = 50, DurationNs = 200_000_000 }, sink);

        var report = await generator.RunAsync();

        Assert.Equal(10, report.Sent);
        Assert.Equal(10, report.Errors);
        Assert.Equal(0, report.Completed);
        Assert.Equal(10, sink.Ends.Count);
        Assert.All(sink.Ends, e => Assert.Null(e.Status));
    }

    [Fact]
    public async Task RunAsync_TargetNeverAnswers_RequestsBeyondMaxInFlightCountedAsNotSent()
    {
        await using var server = TinyHttpServer.Start(respond: false);
        var options = new LoadOptions
        {
            Urls = [server.Url("/slow")], RatePerSecond = 100, DurationNs = 200_000_000, MaxInFlight = 5,
            RequestTimeout = TimeSpan.FromSeconds(1),
        };
        using var generator = new LoadGenerator(options);

        var report = await generator.RunAsync();

        Assert.Equal(20, report.Scheduled);
        Assert.Equal(5, report.Sent);
        Assert.Equal(15, report.NotSent);
        Assert.Equal(5, report.Errors); // timed out
        Assert.Equal(0, report.RecordsWritten); // no sink
    }

    private sealed class MemorySink : IRecordSink
    {
        private readonly ConcurrentQueue<InvocationStart> _starts = new();
        private readonly ConcurrentQueue<InvocationEnd> _ends = new();

        public List<InvocationStart> Starts => [.. _starts];

        public List<InvocationEnd> Ends => [.. _ends];

        public void Write(in DotnetMetric record) => throw new InvalidOperationException("the load generator writes invocations only");

        public void Write(in DotnetEvent record) => throw new InvalidOperationException("the load generator writes invocations only");

        public void Write(in InvocationStart record) => _starts.Enqueue(record);

        public void Write(in InvocationEnd record) => _ends.Enqueue(record);
    }
}
