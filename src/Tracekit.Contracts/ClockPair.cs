using Tracekit.Format;
using Tracekit.Native;

namespace Tracekit.Contracts;

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

    /// <summary>A pair read now (<see cref="Libc.ReadClockPair"/>), with the kernel's clock-sync state.</summary>
    public static ClockPair Read()
    {
        Libc.ReadClockPair(out long monotonicNs, out long realtimeNs);
        return new ClockPair(monotonicNs, realtimeNs, Libc.ReadClockSync());
    }

    /// <summary>realtime − monotonic: add it to a monotonic stamp to get epoch ns.</summary>
    public long OffsetNs => RealtimeNs - MonotonicNs;

    /// <summary>The pair as the ring's ClockAnchor record.</summary>
    public ClockAnchor ToAnchor() => new()
    {
        TimestampNs = (ulong)MonotonicNs,
        RealtimeNs = RealtimeNs,
        ClockSyncState = Sync.State,
        ClockStatus = Sync.Status,
        ClockOffsetNs = Sync.OffsetNs,
        ClockMaxErrorNs = Sync.MaxErrorNs,
        ClockEstErrorNs = Sync.EstErrorNs,
    };
}
