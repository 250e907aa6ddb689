using Tracekit.Native;

namespace Tracekit.EventPipe;

/// <summary>
/// A CLOCK_MONOTONIC/CLOCK_REALTIME pair read by the collector. EventPipe on Linux stamps events with
/// CLOCK_MONOTONIC ns (the runtime's QueryPerformanceCounter), so these pairs put a capture's events on the wall
/// clock the same way the ring's ClockAnchor records do (docs/ring-format.md section 4).
/// </summary>
public readonly record struct ClockPair(long MonotonicNs, long RealtimeNs, ClockSyncInfo Sync)
{
    /// <summary>A pair whose synchronisation state was not recorded (adjtimex state -1, as the ring records "unknown").</summary>
    public ClockPair(long monotonicNs, long realtimeNs) : this(monotonicNs, realtimeNs, ClockSyncInfo.Unknown)
    {
    }

    /// <summary>Realtime read between two monotonic reads, paired with their midpoint; the narrowest of three tries wins.</summary>
    public static ClockPair Read()
    {
        long bestGapNs = long.MaxValue, bestMonoNs = 0, bestRealNs = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = Libc.ClockGetTimeNs(ClockId.Monotonic);
            long real = Libc.ClockGetTimeNs(ClockId.Realtime);
            long after = Libc.ClockGetTimeNs(ClockId.Monotonic);
            if (after - before < bestGapNs)
            {
                bestGapNs = after - before;
                bestMonoNs = before + ((after - before) / 2);
                bestRealNs = real;
            }
        }
        return new ClockPair(bestMonoNs, bestRealNs, Libc.ReadClockSync());
    }

    /// <summary>realtime − monotonic: add it to a monotonic stamp to get epoch ns.</summary>
    public long OffsetNs => RealtimeNs - MonotonicNs;
}
