namespace Tracekit.Load;

/// <summary>
/// A log-linear latency histogram in the manner of HdrHistogram: exact microseconds below 256 µs, then 128
/// buckets per power of two (relative error under 0.8%) up to about 50 days. Recording is lock-free and
/// allocation-free from any number of threads; percentiles are read after recording stops.
/// </summary>
public sealed class LatencyHistogram
{
    private const int LinearBuckets = 256;
    private const int SubBucketBits = 7;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int FirstLogExponent = 8; // 2^8 = LinearBuckets
    private const int MaxExponent = 42;     // 2^42 µs ≈ 50 days
    private const int BucketCount = LinearBuckets + ((MaxExponent - FirstLogExponent + 1) * SubBuckets);

    private readonly long[] _counts = new long[BucketCount];
    private long _count;
    private long _maxNs;

    public long Count => Volatile.Read(ref _count);
    public long MaxNs => Volatile.Read(ref _maxNs);

    public void Record(long latencyNs)
    {
        if (latencyNs < 0) latencyNs = 0;
        // Interlocked: completions on many threads count into shared buckets; readers read after Join.
        Interlocked.Increment(ref _counts[IndexOf(latencyNs / 1000)]);
        Interlocked.Increment(ref _count);
        long max = Volatile.Read(ref _maxNs);
        while (latencyNs > max)
        {
            long seen = Interlocked.CompareExchange(ref _maxNs, latencyNs, max);
            if (seen == max) break;
            max = seen;
        }
    }

    /// <summary>
    /// The smallest recorded-bucket upper bound at or below which <paramref name="percentile"/> % of the values lie
    /// (never above the exact maximum); 0 when empty.
    /// </summary>
    public long PercentileNs(double percentile)
    {
        long count = Count;
        if (count == 0) return 0;
        long rank = Math.Max(1, (long)Math.Ceiling(percentile / 100.0 * count));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank) return Math.Min(UpperBoundUs(i) * 1000, MaxNs);
        }
        return MaxNs;
    }

    internal static int IndexOf(long us)
    {
        if (us < LinearBuckets) return (int)us;
        int exponent = 63 - (int)long.LeadingZeroCount(us);
        if (exponent > MaxExponent) return BucketCount - 1;
        int mantissa = (int)((us >> (exponent - SubBucketBits)) & (SubBuckets - 1));
        return LinearBuckets + ((exponent - FirstLogExponent) * SubBuckets) + mantissa;
    }

    /// <summary>The largest µs value that falls in bucket <paramref name="index"/>.</summary>
    internal static long UpperBoundUs(int index)
    {
        if (index < LinearBuckets) return index;
        int exponent = FirstLogExponent + ((index - LinearBuckets) / SubBuckets);
        int mantissa = (index - LinearBuckets) % SubBuckets;
        long width = 1L << (exponent - SubBucketBits);
        return (1L << exponent) + ((mantissa + 1) * width) - 1;
    }
}
