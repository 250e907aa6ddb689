using Tracekit.Format;
using Tracekit.Native;

namespace Tracekit.Collector.Recording;

/// <summary>Reads realtime/monotonic pairs that let a reader put monotonic timestamps on the wall clock.</summary>
public static class ClockAnchors
{
    /// <summary>
    /// Reads CLOCK_REALTIME between two CLOCK_MONOTONIC reads and pairs it with their midpoint. Of three tries the
    /// one with the narrowest bracket wins, so a preemption between the reads cannot skew the pair.
    /// </summary>
    public static ClockAnchor Read()
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

        var sync = Libc.ReadClockSync();
        return new ClockAnchor
        {
            TimestampNs = (ulong)bestMonoNs,
            RealtimeNs = bestRealNs,
            ClockSyncState = sync.State,
            ClockStatus = sync.Status,
            ClockOffsetNs = sync.OffsetNs,
            ClockMaxErrorNs = sync.MaxErrorNs,
            ClockEstErrorNs = sync.EstErrorNs,
        };
    }

    /// <summary>CLOCK_MONOTONIC in ns, the timestamp of every record.</summary>
    public static ulong MonotonicNowNs() => (ulong)Libc.ClockGetTimeNs(ClockId.Monotonic);
}
