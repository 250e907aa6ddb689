using Tracekit.Contracts;
using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Convert.Dotnet;

/// <summary>
/// Writes decoded records to a scratch ring with the collector's clock pairs as ClockAnchor records, each placed
/// before the first record at or after its monotonic time: the reader then maps these records onto the epoch with
/// the collector's own pairs (docs/ring-format.md section 4), never with the conversion machine's clock.
/// </summary>
internal sealed class AnchoringRingSink : IRecordSink
{
    private readonly RecordSink _records;
    private readonly IReadOnlyList<ClockPair> _anchors;
    private int _nextAnchor;

    public AnchoringRingSink(RingWriter ring, IReadOnlyList<ClockPair> anchors)
    {
        _records = new RecordSink(ring);
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

    private void WriteAnchor(ClockPair pair) => _records.Write(pair.ToAnchor());
}
