using Tracekit.Convert.Reading;
using Tracekit.Format;

namespace Tracekit.Convert.Audit;

/// <summary>
/// What the anchors of one node say about its clock: the kernel's own error bounds (adjtimex maxerror/esterror),
/// whether it was synchronised, and how far the realtime−monotonic offset moved between anchors (NTP slewing or a
/// step). The offset is compared between consecutive anchors of the same stream and source only: a segment header
/// and a ClockAnchor record read their pair in different code paths, so only like is compared with like.
/// </summary>
public sealed class ClockAudit
{
    /// <summary>timex.status bit: the kernel considers the clock unsynchronised.</summary>
    public const int StaUnsync = 0x40;

    /// <summary>adjtimex return value TIME_ERROR: the clock is not synchronised.</summary>
    public const int TimeError = 5;

    private readonly Dictionary<(string Stream, AnchorSource Source), long> _lastOffsetNs = [];

    public long RecordAnchors { get; private set; }

    public long HeaderAnchors { get; private set; }

    public long MaxErrorNsWorst { get; private set; } = -1;

    public long? LatestMaxErrorNs { get; private set; }

    public long? LatestEstErrorNs { get; private set; }

    public long? LatestOffsetNs { get; private set; }

    public int? LatestSyncState { get; private set; }

    public int? LatestStatus { get; private set; }

    /// <summary>Anchors whose sync state or status said "not synchronised" or "unknown".</summary>
    public long UnsynchronizedAnchors { get; private set; }

    /// <summary>Largest change of realtime − monotonic between consecutive anchors of one stream, in ns.</summary>
    public long LargestStepNs { get; private set; }

    public long? FirstRealtimeNs { get; private set; }

    public long? LastRealtimeNs { get; private set; }

    public static bool IsUnsynchronized(int syncState, int status) =>
        syncState < 0 || syncState == TimeError || (status & StaUnsync) != 0;

    public void Observe(StreamContext stream, in ClockAnchor anchor, AnchorSource source)
    {
        if (source == AnchorSource.Record)
        {
            RecordAnchors++;
        }
        else
        {
            HeaderAnchors++;
        }

        MaxErrorNsWorst = Math.Max(MaxErrorNsWorst, anchor.ClockMaxErrorNs);
        LatestMaxErrorNs = anchor.ClockMaxErrorNs;
        LatestEstErrorNs = anchor.ClockEstErrorNs;
        LatestOffsetNs = anchor.ClockOffsetNs;
        LatestSyncState = anchor.ClockSyncState;
        LatestStatus = anchor.ClockStatus;
        if (IsUnsynchronized(anchor.ClockSyncState, anchor.ClockStatus))
        {
            UnsynchronizedAnchors++;
        }

        FirstRealtimeNs = FirstRealtimeNs is long first ? Math.Min(first, anchor.RealtimeNs) : anchor.RealtimeNs;
        LastRealtimeNs = LastRealtimeNs is long last ? Math.Max(last, anchor.RealtimeNs) : anchor.RealtimeNs;

        long offsetNs = unchecked(anchor.RealtimeNs - (long)anchor.TimestampNs);
        if (_lastOffsetNs.TryGetValue((stream.Name, source), out long previous))
        {
            LargestStepNs = Math.Max(LargestStepNs, Math.Abs(unchecked(offsetNs - previous)));
        }

        _lastOffsetNs[(stream.Name, source)] = offsetNs;
    }
}
