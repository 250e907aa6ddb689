using Tracekit.Convert.Reading;
using Tracekit.Format;

namespace Tracekit.Convert.Report;

/// <summary>One bar of the Gantt: an invocation's lane and its span in seconds from the node's first record.</summary>
internal readonly record struct InvocationBar(string Lane, double StartS, double EndS, bool Finished);

/// <summary>
/// The invocations of one node, joined on (trace id, span id) with the times invocations.jsonl uses (epoch ms;
/// response time from the enqueue time when there is one), so the report's percentiles are the file's. Keeps
/// every response and queue time (8 and 4 bytes each) for exact percentiles, and the longest invocations for
/// the Gantt: a service's millions of requests cannot be drawn as bars, its batch jobs always are.
/// </summary>
internal sealed class InvocationTimeline(TimeColumns columns)
{
    public const int MaxBars = 300;

    private readonly Dictionary<(string TraceId, string SpanId), Open> _open = [];
    private readonly PriorityQueue<InvocationBar, long> _longest = new();
    private readonly List<(long EndEpochMs, int RtMs)> _responses = [];

    public List<int> QueueTimesMs { get; } = [];

    public long Invocations { get; private set; }

    /// <summary>Of <see cref="Invocations"/>, those a source sampled (a ratio below 1, `collect --dotnet-request-sample`).</summary>
    public long SampledInvocations { get; private set; }

    /// <summary>The requests the invocations stand for: each counts 1 / its sample ratio (the audit scales the same way).</summary>
    public double EstimatedInvocations { get; private set; }

    public IReadOnlyList<(long EndEpochMs, int RtMs)> Responses => _responses;

    public void OnStart(StreamCursor record, in InvocationStart start)
    {
        long? enqueueMs = start.EnqueueNs is long enqueueNs
            ? EpochClock.ToEpochMs(EpochClock.ToEpochNs(unchecked((ulong)enqueueNs), record.Anchor))
            : null;
        string lane = start.ModuleId ?? (start.Method is null ? "invocation" : $"{start.Method} {start.Path}".TrimEnd());
        _open[(start.TraceId, start.SpanId)] = new Open(lane, record.EpochMs, enqueueMs, start.SampleRatio ?? 1);
    }

    public void OnEnd(StreamCursor record, in InvocationEnd end)
    {
        if (!_open.Remove((end.TraceId, end.SpanId), out var open))
        {
            return;
        }

        Invocations++;
        EstimatedInvocations += 1 / open.SampleRatio;
        if (open.SampleRatio < 1) SampledInvocations++;
        long endMs = record.EpochMs;
        _responses.Add((endMs, (int)(endMs - (open.EnqueueMs ?? open.StartMs))));
        if (open.EnqueueMs is long enqueueMs)
        {
            QueueTimesMs.Add((int)(open.StartMs - enqueueMs));
        }

        Keep(open, endMs, finished: true);
    }

    /// <summary>Invocations still open at the node's end are drawn to its last record.</summary>
    public void Finish(long lastEpochMs)
    {
        foreach (var open in _open.Values)
        {
            Invocations++;
            Keep(open, Math.Max(lastEpochMs, open.StartMs), finished: false);
        }

        _open.Clear();
    }

    public IReadOnlyList<InvocationBar> Bars() => [.. _longest.UnorderedItems.Select(static i => i.Element).OrderBy(static b => b.StartS)];

    private void Keep(Open open, long endMs, bool finished)
    {
        long durationMs = endMs - open.StartMs;
        var bar = new InvocationBar(open.Lane, Seconds(open.StartMs), Seconds(endMs), finished);
        if (_longest.Count < MaxBars)
        {
            _longest.Enqueue(bar, durationMs);
        }
        else if (_longest.TryPeek(out _, out long shortest) && durationMs > shortest)
        {
            _longest.EnqueueDequeue(bar, durationMs);
        }
    }

    private double Seconds(long epochMs) => (epochMs - columns.OriginEpochMs) / 1000.0;

    private sealed record Open(string Lane, long StartMs, long? EnqueueMs, double SampleRatio);
}
