using Tracekit.Convert.Report;

namespace Tracekit.Convert.Tests.Report;

/// <summary>The per-pixel-column reduction: bounded size, every extreme kept, quantities conserved.</summary>
public sealed class ColumnSeriesTests
{
    private const long OriginMs = 1_700_000_000_000;

    [Fact]
    public void Envelope_DayAt10Ms_StaysWithinTwoPointsPerColumnAndKeepsTheOneSampleSpike()
    {
        var columns = new TimeColumns(600);
        var series = new ColumnSeries(columns, "cpu");
        const int samples = 8_640_000;
        for (int i = 0; i < samples; i++)
        {
            // A flat 10 % with one 99 % sample and one 0 % sample among 8.6 million.
            double value = i == 4_321_987 ? 99 : i == 7_000_001 ? 0 : 10;
            series.Add(OriginMs + (i * 10L), value);
        }

        var (xs, ys) = series.Envelope();
        Assert.InRange(columns.Count, 300, 600);
        Assert.True(xs.Length <= 2 * columns.Count, $"{xs.Length} points for {columns.Count} columns");
        Assert.Equal(99, ys.Max());
        Assert.Equal(0, ys.Min());
        Assert.Equal(99, series.Peak);
        Assert.Equal(samples, series.Samples);
        // The spike is drawn where it happened: its column spans its time.
        double spikeS = xs[Array.IndexOf(ys, 99.0)];
        Assert.InRange(spikeS, (4_321_987 * 0.01) - (columns.WidthMs / 1000.0), (4_321_987 * 0.01) + (columns.WidthMs / 1000.0));
    }

    [Fact]
    public void Spread_CpuOverManyColumnsAndHalvings_ConservesTheTotal()
    {
        var columns = new TimeColumns(64);
        var total = new double[64];
        columns.Register(new Halver(total));
        double added = 0;
        long previousMs = OriginMs;
        columns.ColumnOf(OriginMs);
        for (int i = 1; i <= 10_000; i++)
        {
            long nowMs = OriginMs + (i * 137L);
            columns.Spread(previousMs, nowMs, 1_000_000, (c, amount) => total[c] += amount);
            added += 1_000_000;
            previousMs = nowMs;
        }

        Assert.Equal(added, total.Sum(), 3);
        Assert.True(columns.WidthMs * 64 >= 10_000 * 137, $"columns of {columns.WidthMs} ms do not cover the run");
    }

    private sealed class Halver(double[] values) : IColumnBinned
    {
        public void HalveColumns()
        {
            for (int c = 0; c < values.Length; c += 2)
            {
                values[c / 2] = values[c] + values[c + 1];
            }

            Array.Clear(values, values.Length / 2, values.Length / 2);
        }
    }
}
