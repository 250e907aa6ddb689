using Tracekit.Format;
using Tracekit.Native;

namespace Tracekit.Collector.Recording;

/// <summary>Reads realtime/monotonic pairs that let a reader put monotonic timestamps on the wall clock.</summary>
public static class ClockAnchors
{
    /// <summary>A clock anchor read now: <see cref="Libc.ReadClockPair"/> and the kernel's clock-sync state.</summary>
    public static ClockAnchor Read()
    {
        Libc.ReadClockPair(out long bestMonoNs, out long bestRealNs);
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
