using Tracekit.Convert.Reading;
using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Convert.Audit;

/// <summary>One segment's header counters, read after the conversion (null header: the reason is in Error).</summary>
public sealed record SegmentSummary(string Stream, string Path, RingHeaderInfo? Header, string? Error);

/// <summary>Everything the audit report says about one node, gathered while converting, in bounded memory.</summary>
public sealed class NodeAudit
{
    /// <summary>Damage and damaged records beyond this many are counted, not listed.</summary>
    public const int MaxListed = 50;

    private readonly long[] _recordsByKind = new long[(int)RecordKind.SelfReport + 1];

    public NodeAudit(NodeSource node) => Node = node;

    public NodeSource Node { get; }

    public string NodeId => Node.NodeId;

    public IReadOnlyList<long> RecordsByKind => _recordsByKind;

    public SortedDictionary<ulong, long> UnknownKinds { get; } = [];

    public long DamagedRecords { get; private set; }

    public List<(string SegmentPath, long FileOffset, DecodeError Error)> DamagedRecordList { get; } = [];

    public long[] DamageCountByKind { get; } = new long[3];

    public long[] DamageBytesByKind { get; } = new long[3];

    public List<RingDamage> Damage { get; } = [];

    public ClockAudit Clock { get; } = new();

    public IntervalStats HostCpu { get; } = new();

    public IntervalStats HostMemory { get; } = new();

    public IntervalStats Network { get; } = new();

    public ProcessAudit Processes { get; } = new();

    public InvocationAudit Invocations { get; } = new();

    public ClusterAudit Cluster { get; } = new();

    /// <summary>
    /// The last SelfReport of each stream (cumulative, so the last one has the totals), with the stream, whose
    /// count of records read is the audit's "records written".
    /// </summary>
    public SortedDictionary<string, (SelfReport Report, StreamContext Stream, long EpochMs)> SelfReports { get; } = new(StringComparer.Ordinal);

    public List<SegmentSummary> Segments { get; } = [];

    /// <summary>Stage and node id written in each stream's first header.</summary>
    public SortedDictionary<string, (string NodeId, string Stage, string RunId)> StreamHeaders { get; } = new(StringComparer.Ordinal);

    public long FirstEpochMs { get; private set; } = long.MaxValue;

    public long LastEpochMs { get; private set; } = long.MinValue;

    public long TotalRecords { get; private set; }

    public void CountRecord(RecordKind kind, long epochMs)
    {
        _recordsByKind[(int)kind]++;
        TotalRecords++;
        if (epochMs < FirstEpochMs)
        {
            FirstEpochMs = epochMs;
        }

        if (epochMs > LastEpochMs)
        {
            LastEpochMs = epochMs;
        }
    }

    /// <summary>Anchors are consumed by the reader, not counted by the converter: they are counted here.</summary>
    public void CountAnchorRecord()
    {
        _recordsByKind[(int)RecordKind.ClockAnchor]++;
        TotalRecords++;
    }

    public void AddUnknownKind(ulong kindNumber) =>
        UnknownKinds[kindNumber] = UnknownKinds.GetValueOrDefault(kindNumber) + 1;

    public void AddDamagedRecord(string segmentPath, long fileOffset, DecodeError error)
    {
        DamagedRecords++;
        if (DamagedRecordList.Count < MaxListed)
        {
            DamagedRecordList.Add((segmentPath, fileOffset, error));
        }
    }

    public void AddDamage(RingDamage damage)
    {
        DamageCountByKind[(int)damage.Kind]++;
        DamageBytesByKind[(int)damage.Kind] += damage.LengthInBytes;
        if (Damage.Count < MaxListed)
        {
            Damage.Add(damage);
        }
    }

    /// <summary>Reads every segment's header counters now that reading is over (dropped, overwritten, closed).</summary>
    public void ReadSegmentHeaders()
    {
        foreach (var stream in Node.Streams)
        {
            foreach (string path in stream.SegmentPaths)
            {
                try
                {
                    using var reader = RingReader.Open(path);
                    Segments.Add(new SegmentSummary(stream.Name, path, reader.Header, null));
                }
                catch (Exception ex) when (ex is RingFormatException or IOException or UnauthorizedAccessException)
                {
                    Segments.Add(new SegmentSummary(stream.Name, path, null, ex.Message));
                }
            }
        }
    }
}
