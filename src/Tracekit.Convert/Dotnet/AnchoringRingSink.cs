using Tracekit.EventPipe;
using Tracekit.Format;
using Tracekit.Load;
using Tracekit.Ring;

namespace Tracekit.Convert.Dotnet;

/// <summary>
/// Writes decoded records to a scratch ring with the collector's clock pairs as ClockAnchor records, each placed
/// before the first record at or after its monotonic time: the reader then maps these records onto the epoch with
/// the collector's own pairs (docs/ring-format.md section 4), never with the conversion machine's clock.
/// </summary>
internal sealed class AnchoringRingSink : IRecordSink
{
    private readonly RingWriter _ring;
    private readonly RingRecordSink _records;
    private readonly IReadOnlyList<ClockPair> _anchors;
    private int _nextAnchor;

    public AnchoringRingSink(RingWriter ring, IReadOnlyList<ClockPair> anchors)
    {
        _ring = ring;
        _records = new RingRecordSink(ring);
        _anchors = anchors;
        if (anchors.Count > 0) WriteAnchor(anchors[_nextAnchor++]);
    }

    public long RecordsDropped => _records.RecordsDropped;

    public void Write(in DotnetMetric record) { Before(record.TimestampNs); _records.Write(record); }
    public void Write(in DotnetEvent record) { Before(record.TimestampNs); _records.Write(record); }
    public void Write(in InvocationStart record) { Before(record.TimestampNs); _records.Write(record); }
    public void Write(in InvocationEnd record) { Before(record.TimestampNs); _records.Write(record); }

    /// <summary>The pairs after the last record (the detach pair): kept in the stream for the clock audit.</summary>
    public void Finish()
    {
        while (_nextAnchor < _anchors.Count) WriteAnchor(_anchors[_nextAnchor++]);
    }

    private void Before(ulong timestampNs)
    {
        while (_nextAnchor < _anchors.Count && (ulong)_anchors[_nextAnchor].MonotonicNs <= timestampNs) WriteAnchor(_anchors[_nextAnchor++]);
    }

    private void WriteAnchor(ClockPair pair)
    {
        var anchor = new ClockAnchor
        {
            TimestampNs = (ulong)pair.MonotonicNs,
            RealtimeNs = pair.RealtimeNs,
            ClockSyncState = pair.Sync.State,
            ClockStatus = pair.Sync.Status,
            ClockOffsetNs = pair.Sync.OffsetNs,
            ClockMaxErrorNs = pair.Sync.MaxErrorNs,
            ClockEstErrorNs = pair.Sync.EstErrorNs,
        };
        Span<byte> buffer = stackalloc byte[256];
        if (RecordEncoder.TryEncode(anchor, buffer, out int n)) _ring.TryAppend(buffer[..n]);
    }
}
