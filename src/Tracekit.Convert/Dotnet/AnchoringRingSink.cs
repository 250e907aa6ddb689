using Tracekit.Contracts;
using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Convert.Dotnet;

/// <summary>
/// Writes decoded records to a scratch ring in time order, with the collector's clock pairs as ClockAnchor
/// records, each placed before the first record at or after its monotonic time: the reader then maps these records
/// onto the epoch with the collector's own pairs (docs/ring-format.md section 4), never with the conversion
/// machine's clock.
/// The decoder writes a request's start at its stop, back-dated to the span's start, so a long request's start
/// comes after the records of shorter ones. Readers (request CPU in `opendc`, nesting of spans) need a stream in
/// time order: records wait here until the newest decoded time is <see cref="ReorderHorizonNs"/> past them. Memory
/// is the records of that window, never a whole capture. A record older than one already written (a request longer
/// than the window) is written at once, out of order, and counted in <see cref="RecordsLate"/>.
/// </summary>
internal sealed class AnchoringRingSink : IRecordSink
{
    public const long ReorderHorizonNs = 5_000_000_000;

    private readonly RecordSink _records;
    private readonly IReadOnlyList<ClockPair> _anchors;
    private readonly PriorityQueue<object, (ulong TimestampNs, long Sequence)> _pending = new();
    private int _nextAnchor;
    private long _sequence;
    private ulong _newestNs;
    private ulong _writtenNs;

    public AnchoringRingSink(RingWriter ring, IReadOnlyList<ClockPair> anchors)
    {
        _records = new RecordSink(ring);
        _anchors = anchors;
        if (anchors.Count > 0) WriteAnchor(anchors[_nextAnchor++]);
    }

    public long RecordsDropped => _records.RecordsDropped;

    /// <summary>Records that arrived more than the reorder horizon after a later record had been written.</summary>
    public long RecordsLate { get; private set; }

    public void Write(in DotnetMetric record) => Hold(record, record.TimestampNs);
    public void Write(in DotnetEvent record) => Hold(record, record.TimestampNs);
    public void Write(in InvocationStart record) => Hold(record, record.TimestampNs);
    public void Write(in InvocationEnd record) => Hold(record, record.TimestampNs);

    /// <summary>Writes what still waits, then the pairs after the last record (the detach pair): kept in the stream for the clock audit.</summary>
    public void Finish()
    {
        Release(ulong.MaxValue);
        while (_nextAnchor < _anchors.Count) WriteAnchor(_anchors[_nextAnchor++]);
    }

    private void Hold(object record, ulong timestampNs)
    {
        // Equal times keep their decode order (a zero-length span's start before its end).
        _pending.Enqueue(record, (timestampNs, _sequence++));
        if (timestampNs <= _newestNs) return;
        _newestNs = timestampNs;
        if (_newestNs > ReorderHorizonNs) Release(_newestNs - ReorderHorizonNs);
    }

    private void Release(ulong throughNs)
    {
        while (_pending.TryPeek(out var record, out var key) && key.TimestampNs <= throughNs)
        {
            _pending.Dequeue();
            if (key.TimestampNs < _writtenNs) RecordsLate++;
            else _writtenNs = key.TimestampNs;
            Before(key.TimestampNs);
            switch (record)
            {
                case DotnetMetric m: _records.Write(m); break;
                case DotnetEvent e: _records.Write(e); break;
                case InvocationStart s: _records.Write(s); break;
                case InvocationEnd e: _records.Write(e); break;
            }
        }
    }

    private void Before(ulong timestampNs)
    {
        while (_nextAnchor < _anchors.Count && (ulong)_anchors[_nextAnchor].MonotonicNs <= timestampNs) WriteAnchor(_anchors[_nextAnchor++]);
    }

    private void WriteAnchor(ClockPair pair) => _records.Write(pair.ToAnchor());
}
