namespace Tracekit.Collector.Tests.Support;

/// <summary>A cumulative counter observed at points in time (monotonic ns), read back at any time in its range.</summary>
public sealed class Series
{
    private readonly long[] _timesNs;
    private readonly double[] _values;

    public Series(IEnumerable<(long TimeNs, double Value)> points)
    {
        var sorted = points.OrderBy(p => p.TimeNs).ToArray();
        _timesNs = sorted.Select(p => p.TimeNs).ToArray();
        _values = sorted.Select(p => p.Value).ToArray();
        if (_timesNs.Length < 2) throw new ArgumentException("a series needs at least two points");
    }

    public long FirstNs => _timesNs[0];
    public long LastNs => _timesNs[^1];
    public int Count => _timesNs.Length;

    public bool Covers(long timeNs) => timeNs >= FirstNs && timeNs <= LastNs;

    /// <summary>Linear interpolation between the two points around the time; the time must be covered.</summary>
    public double At(long timeNs)
    {
        if (!Covers(timeNs)) throw new ArgumentOutOfRangeException(nameof(timeNs), $"{timeNs} is outside [{FirstNs}, {LastNs}]");
        int i = Array.BinarySearch(_timesNs, timeNs);
        if (i >= 0) return _values[i];
        int hi = ~i, lo = hi - 1;
        double f = (double)(timeNs - _timesNs[lo]) / (_timesNs[hi] - _timesNs[lo]);
        return _values[lo] + f * (_values[hi] - _values[lo]);
    }

    /// <summary>The largest gap between consecutive points around a time: how sharp <see cref="At"/> is there.</summary>
    public long GapAt(long timeNs)
    {
        int i = Array.BinarySearch(_timesNs, timeNs);
        if (i >= 0) return 0;
        int hi = ~i;
        return hi <= 0 || hi >= _timesNs.Length ? long.MaxValue : _timesNs[hi] - _timesNs[hi - 1];
    }
}

public static class Stats
{
    public static string Summary(IReadOnlyCollection<double> values) =>
        values.Count == 0 ? "n=0" : $"n={values.Count} mean={values.Average():0.00} min={values.Min():0.00} max={values.Max():0.00}";
}
