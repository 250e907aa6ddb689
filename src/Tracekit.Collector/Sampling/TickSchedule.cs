namespace Tracekit.Collector.Sampling;

/// <summary>
/// A fixed monotonic schedule: tick k is due at startNs + k × intervalNs, whatever the previous ticks cost.
/// A tick that starts after its due time is late (its lateness is recorded); a tick whose whole slot passed
/// before it could start is missed and counted, never silently shifted.
/// </summary>
public sealed class TickSchedule
{
    private readonly ulong _startNs;
    private readonly long _intervalNs;
    private long _nextIndex;

    public TickSchedule(ulong startNs, long intervalNs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(intervalNs, 1);
        _startNs = startNs;
        _intervalNs = intervalNs;
    }

    public long IntervalNs => _intervalNs;
    public long Ticks { get; private set; }
    public long MissedTicks { get; private set; }
    public long LateTicks { get; private set; }
    public long MaxLatenessNs { get; private set; }

    /// <summary>The due time of the next tick that has not been taken or missed.</summary>
    public ulong NextDueNs => _startNs + (ulong)(_nextIndex * _intervalNs);

    /// <summary>
    /// Takes the next tick at <paramref name="nowNs"/>: returns its due time and lateness. Slots that ended before
    /// <paramref name="nowNs"/> are counted as missed and skipped.
    /// </summary>
    public ulong Take(ulong nowNs, out long latenessNs)
    {
        ulong dueNs = NextDueNs;
        if (LateNs(nowNs, dueNs) >= _intervalNs)
        {
            long skipped = LateNs(nowNs, dueNs) / _intervalNs;
            MissedTicks += skipped;
            _nextIndex += skipped;
            dueNs = NextDueNs;
        }

        latenessNs = LateNs(nowNs, dueNs);
        // Scheduler jitter below 50 µs is the cost of a wake-up, not lateness worth reporting.
        if (latenessNs > 50_000) LateTicks++;
        if (latenessNs > MaxLatenessNs) MaxLatenessNs = latenessNs;
        _nextIndex++;
        Ticks++;
        return dueNs;
    }

    private static long LateNs(ulong nowNs, ulong dueNs) => nowNs > dueNs ? (long)(nowNs - dueNs) : 0;
}
