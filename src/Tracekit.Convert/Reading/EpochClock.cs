namespace Tracekit.Convert.Reading;

/// <summary>
/// A realtime/monotonic pair that puts monotonic timestamps on the wall clock (docs/ring-format.md section 4).
/// <see cref="Version"/> is unique per anchor in a conversion, so two samples converted through the same anchor can
/// be recognised (their epoch difference then equals their monotonic difference up to one floor).
/// </summary>
public readonly record struct AnchorPoint(long RealtimeNs, long MonotonicNs, int Version);

/// <summary>Timestamp arithmetic, in one place so every file converts the same way.</summary>
public static class EpochClock
{
    public const long NsPerMs = 1_000_000;

    /// <summary>
    /// <c>anchor.realtimeNs + (timestampNs − anchor.monotonicNs)</c>. Unchecked: a garbage timestamp in a record
    /// that passed its CRC gives a garbage time, never an exception.
    /// </summary>
    public static long ToEpochNs(ulong timestampNs, in AnchorPoint anchor) =>
        unchecked(anchor.RealtimeNs + ((long)timestampNs - anchor.MonotonicNs));

    /// <summary>Floor, not truncation, as the format says: the two differ for times before 1970.</summary>
    public static long ToEpochMs(long epochNs) => FloorDiv(epochNs, NsPerMs);

    public static long FloorDiv(long value, long divisor)
    {
        long quotient = Math.DivRem(value, divisor, out long remainder);
        return remainder < 0 ? quotient - 1 : quotient;
    }

    /// <summary>A duration in ns as fractional ms: CPU times keep their sub-ms precision (the first tool truncated to 10 ms).</summary>
    public static double NsToMs(long durationNs) => durationNs / 1e6;

    /// <summary>A duration in ns rounded to whole ms, halves away from zero.</summary>
    public static long RoundNsToMs(long durationNs) => (long)Math.Round(durationNs / 1e6, MidpointRounding.AwayFromZero);
}
