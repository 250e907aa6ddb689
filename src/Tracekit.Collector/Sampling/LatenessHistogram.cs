namespace Tracekit.Collector.Sampling;

/// <summary>
/// Tick lateness in 10 µs buckets up to 100 ms (one overflow bucket above), allocated once: percentiles without
/// keeping every value and without allocating per tick.
/// </summary>
public sealed class LatenessHistogram
{
    private const long BucketWidthNs = 10_000;
    private readonly long[] _counts = new long[10_001];

    public long Count { get; private set; }

    public void Record(long latenessNs)
    {
        long bucket = Math.Min(_counts.Length - 1, Math.Max(0, latenessNs) / BucketWidthNs);
        _counts[bucket]++;
        Count++;
    }

    /// <summary>The upper edge of the bucket holding the given quantile (0..1), in ns; 0 when empty.</summary>
    public long QuantileNs(double quantile)
    {
        if (Count == 0) return 0;
        long rank = (long)Math.Ceiling(quantile * Count);
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return (i + 1) * BucketWidthNs;
        }
        return _counts.Length * BucketWidthNs;
    }
}
