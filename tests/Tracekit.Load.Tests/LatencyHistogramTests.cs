namespace Tracekit.Load.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void PercentileNs_KnownValues_WithinOnePercent()
    {
        var h = new LatencyHistogram();
        for (int i = 1; i <= 1000; i++)
        {
            h.Record(i * 1_000_000L); // 1..1000 ms
        }

        Assert.Equal(1000, h.Count);
        Assert.Equal(1_000_000_000L, h.MaxNs);
        Assert.InRange(h.PercentileNs(50), 500_000_000L, 505_000_000L);
        Assert.InRange(h.PercentileNs(99), 990_000_000L, 1_000_000_000L);
        Assert.Equal(1_000_000_000L, h.PercentileNs(100));
        Assert.InRange(h.PercentileNs(0.1), 1_000_000L, 1_010_000L);
    }

    [Fact]
    public void IndexOf_EveryValue_BelowItsBucketUpperBoundAndAboveThePrevious()
    {
        for (long us = 0; us < 5_000_000; us = us < 1000 ? us + 1 : (us * 1001 / 1000) + 1)
        {
            int index = LatencyHistogram.IndexOf(us);
            Assert.True(LatencyHistogram.UpperBoundUs(index) >= us, $"{us} µs above its bucket's bound");
            Assert.True(index == 0 || LatencyHistogram.UpperBoundUs(index - 1) < us, $"{us} µs belongs to an earlier bucket");
        }
    }

    [Fact]
    public void PercentileNs_Empty_Zero() => Assert.Equal(0, new LatencyHistogram().PercentileNs(99));

    [Fact]
    public void Record_NegativeLatency_CountsAsZero()
    {
        var h = new LatencyHistogram();
        h.Record(-5);

        Assert.Equal(1, h.Count);
        Assert.Equal(0, h.MaxNs);
        Assert.Equal(0, h.PercentileNs(100));
    }

    [Fact]
    public void Record_ManyThreads_NoCountLostAndExactMaximum()
    {
        var h = new LatencyHistogram();
        Parallel.For(0, 4, t =>
        {
            for (int i = 0; i < 25_000; i++)
            {
                h.Record(((t * 25_000) + i) * 1_000L);
            }
        });

        Assert.Equal(100_000, h.Count);
        Assert.Equal(99_999_000L, h.MaxNs);
    }
}
