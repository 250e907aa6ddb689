namespace Tracekit.Ring;

/// <summary>
/// A snapshot of one segment header (docs/ring-format.md section 2). The counters are the values at the moment
/// the snapshot was taken; <see cref="RingReader.Header"/> takes a new one on every access.
/// </summary>
public sealed class RingHeaderInfo
{
    public required string FilePath { get; init; }
    public int FormatVersion { get; init; }
    public long CapacityInBytes { get; init; }
    public RingPolicy Policy { get; init; }
    public int SegmentIndex { get; init; }
    public long CreatedRealtimeNs { get; init; }
    public long CreatedMonotonicNs { get; init; }

    /// <summary>adjtimex return value at creation (TIME_OK = 0 … TIME_ERROR = 5), -1 if unknown.</summary>
    public int ClockSyncState { get; init; }
    public int ClockStatus { get; init; }
    public long ClockOffsetNs { get; init; }
    public long ClockMaxErrorNs { get; init; }
    public long ClockEstErrorNs { get; init; }
    public required string RunId { get; init; }
    public required string NodeId { get; init; }
    public required string Stage { get; init; }

    /// <summary>The reservation counter: bytes of frames reserved so far (may exceed the capacity).</summary>
    public long HeadPosition { get; init; }
    public long DroppedRecords { get; init; }
    public long OverwrittenRecords { get; init; }

    /// <summary>True after the writer closed the ring cleanly.</summary>
    public bool Closed { get; init; }

    internal RingHeaderInfo WithCounters(long headPosition, long droppedRecords, long overwrittenRecords, bool closed) => new()
    {
        FilePath = FilePath, FormatVersion = FormatVersion, CapacityInBytes = CapacityInBytes, Policy = Policy,
        SegmentIndex = SegmentIndex, CreatedRealtimeNs = CreatedRealtimeNs, CreatedMonotonicNs = CreatedMonotonicNs,
        ClockSyncState = ClockSyncState, ClockStatus = ClockStatus, ClockOffsetNs = ClockOffsetNs,
        ClockMaxErrorNs = ClockMaxErrorNs, ClockEstErrorNs = ClockEstErrorNs, RunId = RunId, NodeId = NodeId,
        Stage = Stage, HeadPosition = headPosition, DroppedRecords = droppedRecords,
        OverwrittenRecords = overwrittenRecords, Closed = closed,
    };
}
