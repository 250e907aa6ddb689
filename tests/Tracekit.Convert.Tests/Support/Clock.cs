using Tracekit.Format;

namespace Tracekit.Convert.Tests.Support;

/// <summary>Synthetic clocks: a monotonic base and the wall time it corresponds to.</summary>
public static class Clock
{
    /// <summary>2024-03-09T23:59:59.000Z: one second before a UTC midnight.</summary>
    public const long BeforeMidnightEpochMs = 1_710_028_799_000;

    public const long NsPerMs = 1_000_000;

    public static ClockAnchor Anchor(ulong monotonicNs, long epochMs, long maxErrorNs = 1_000_000, int syncState = 0, int status = 0) => new()
    {
        TimestampNs = monotonicNs,
        RealtimeNs = epochMs * NsPerMs,
        ClockSyncState = syncState,
        ClockStatus = status,
        ClockOffsetNs = 1_000,
        ClockMaxErrorNs = maxErrorNs,
        ClockEstErrorNs = maxErrorNs / 10,
    };
}
