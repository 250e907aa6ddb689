using System.Numerics;

namespace Tracekit.Convert.Audit;

/// <summary>
/// The intervals of one time series in bounded memory: a log-scale histogram (32 buckets per doubling, so a
/// value is placed within about 3%) for the median and the gap count, plus the largest intervals kept exactly with
/// the time they started. Each bucket also sums its intervals, so the median is the mean of its bucket: exact for
/// a steady series (a 100 ms series reports 100 ms, not the bucket's midpoint) and never outside the bucket. A day
/// of 10 ms samples costs the same 32 KiB as a minute.
/// </summary>
public sealed class IntervalStats
{
    public const int LargestKept = 10;
    private const int SubBuckets = 32;
    private const int SubBits = 5;

    private readonly long[] _buckets = new long[64 * SubBuckets];
    private readonly long[] _bucketSumsNs = new long[64 * SubBuckets];
    private readonly PriorityQueue<(long StartMs, long IntervalNs), long> _largest = new();
    private long _lastEpochNs = long.MinValue;

    /// <summary>Intervals seen (samples − 1).</summary>
    public long Count { get; private set; }

    public long Samples { get; private set; }

    public long MaxIntervalNs { get; private set; }

    /// <summary>Adds a sample at an epoch time. Samples at or before the previous one are duplicates, not intervals.</summary>
    public void Observe(long epochNs)
    {
        Samples++;
        if (_lastEpochNs != long.MinValue && epochNs > _lastEpochNs)
        {
            AddInterval(epochNs - _lastEpochNs, EpochStartMs(_lastEpochNs));
        }

        if (epochNs > _lastEpochNs)
        {
            _lastEpochNs = epochNs;
        }
    }

    /// <summary>Adds an interval directly (for a summary over many series, e.g. each process's largest gap).</summary>
    public void AddInterval(long intervalNs, long startMs)
    {
        Count++;
        int bucket = BucketOf(intervalNs);
        _buckets[bucket]++;
        _bucketSumsNs[bucket] += intervalNs;
        MaxIntervalNs = Math.Max(MaxIntervalNs, intervalNs);
        if (_largest.Count < LargestKept)
        {
            _largest.Enqueue((startMs, intervalNs), intervalNs);
        }
        else if (_largest.TryPeek(out _, out long smallest) && intervalNs > smallest)
        {
            _largest.EnqueueDequeue((startMs, intervalNs), intervalNs);
        }
    }

    /// <summary>The median interval (the mean of the bucket that holds it: within 3%), or 0 without intervals.</summary>
    public long MedianNs()
    {
        if (Count == 0)
        {
            return 0;
        }

        long half = (Count + 1) / 2;
        long seen = 0;
        for (int i = 0; i < _buckets.Length; i++)
        {
            seen += _buckets[i];
            if (seen >= half)
            {
                return _bucketSumsNs[i] / _buckets[i];
            }
        }

        return MaxIntervalNs;
    }

    /// <summary>Intervals longer than <paramref name="thresholdNs"/>, counted by bucket (exact for the largest ones).</summary>
    public long CountAbove(long thresholdNs)
    {
        if (thresholdNs <= 0)
        {
            return 0;
        }

        long count = 0;
        for (int i = 0; i < _buckets.Length; i++)
        {
            if (MidpointNs(i) > thresholdNs)
            {
                count += _buckets[i];
            }
        }

        // The kept intervals are the largest ones, exactly: once one of them is at or below the threshold, every
        // interval above it is kept, so the count is theirs and agrees with LargestAbove (a bucket straddling the
        // threshold, as a missed tick's 2x interval does, would otherwise count 0 next to a listed gap).
        long keptAbove = _largest.UnorderedItems.Count(e => e.Element.IntervalNs > thresholdNs);
        return keptAbove < _largest.Count ? keptAbove : Math.Max(count, keptAbove);
    }

    /// <summary>The kept largest intervals above a threshold, largest first.</summary>
    public IReadOnlyList<(long StartMs, long IntervalNs)> LargestAbove(long thresholdNs) =>
        _largest.UnorderedItems.Select(static e => e.Element)
            .Where(e => e.IntervalNs > thresholdNs)
            .OrderByDescending(static e => e.IntervalNs)
            .ToList();

    private static long EpochStartMs(long epochNs) => Reading.EpochClock.ToEpochMs(epochNs);

    private static int BucketOf(long intervalNs)
    {
        ulong us = (ulong)Math.Max(1, intervalNs / 1000);
        int exponent = 63 - BitOperations.LeadingZeroCount(us);
        ulong mantissa = exponent >= SubBits ? (us >> (exponent - SubBits)) : (us << (SubBits - exponent));
        return (exponent * SubBuckets) + (int)(mantissa & (SubBuckets - 1));
    }

    private static long MidpointNs(int bucket)
    {
        int exponent = bucket / SubBuckets;
        double mantissa = SubBuckets + (bucket % SubBuckets) + 0.5;
        return (long)(Math.ScaleB(mantissa, exponent - SubBits) * 1000);
    }
}
