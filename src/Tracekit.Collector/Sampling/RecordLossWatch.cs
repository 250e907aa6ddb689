using Tracekit.Ring;

namespace Tracekit.Collector.Sampling;

/// <summary>
/// Says on stderr that records are being lost, when it starts, every 10 s while it goes on, and at exit, with the
/// count. A ring that stopped at --max-size followed the policy its owner chose (a warning); a segment that could
/// not be created (full disk, quota, permissions) lost data nobody chose to lose (an error, and exit 3).
/// </summary>
public sealed class RecordLossWatch
{
    private const long RepeatEveryNs = 10_000_000_000;
    private readonly RingWriter _ring;
    private readonly string _directory;
    private long _reported;
    private long _nextReportNs;

    public RecordLossWatch(RingWriter ring, string directory)
    {
        _ring = ring;
        _directory = directory;
    }

    /// <summary>
    /// Whether the ring refused records because a segment could not be created (the collector then exits 3), not
    /// at --max-size; records too large to encode are counted as dropped but are no disk failure.
    /// </summary>
    public bool LostToFailure => _ring.FullReason is not null && !_ring.FullAtSizeLimit && _ring.DroppedRecords > 0;

    /// <summary>Called once per second: formats a line (allocating) only when the count moved.</summary>
    public void Check(long nowNs, long droppedRecords)
    {
        if (droppedRecords == _reported || nowNs < _nextReportNs) return;
        _reported = droppedRecords;
        _nextReportNs = nowNs + RepeatEveryNs;
        Console.Error.WriteLine($"tracekit collect: {Severity()}: {droppedRecords:N0} records dropped so far. {Reason()} {Fix()}");
    }

    public void ReportAtExit(long writtenRecords, long droppedRecords)
    {
        if (droppedRecords == 0) return;
        Console.Error.WriteLine(
            $"tracekit collect: {Severity()}: {droppedRecords:N0} of {writtenRecords + droppedRecords:N0} records were dropped; the run is " +
            $"incomplete after the ring filled. {Reason()} {Fix()} meta.json and `tracekit status` give the same counts (records_written, records_dropped).");
    }

    private string Severity() => LostToFailure ? "error" : "warning";

    private string Reason() => _ring.FullReason ?? "Some records were too large to encode.";

    private string Fix() => _ring.FullAtSizeLimit
        ? "Raise --max-size to keep them."
        : $"Free space where {_directory} is, or collect with --out on a larger disk; --policy overwrite keeps the newest records in a fixed --ring-size.";
}
