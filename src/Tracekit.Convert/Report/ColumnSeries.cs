namespace Tracekit.Convert.Report;

/// <summary>
/// One time series reduced to min, max and sum per column of a <see cref="TimeColumns"/> axis: the plot draws
/// both the min and the max of every column, so a one-sample spike is never averaged away.
/// </summary>
internal sealed class ColumnSeries : IColumnBinned
{
    private readonly TimeColumns _columns;
    private readonly double[] _min;
    private readonly double[] _max;
    private readonly double[] _sum;
    private readonly int[] _count;

    public ColumnSeries(TimeColumns columns, string name)
    {
        _columns = columns;
        Name = name;
        _min = new double[columns.Capacity];
        _max = new double[columns.Capacity];
        _sum = new double[columns.Capacity];
        _count = new int[columns.Capacity];
        columns.Register(this);
    }

    public string Name { get; }

    public long Samples { get; private set; }

    public double Peak { get; private set; } = double.NegativeInfinity;

    public void Add(long epochMs, double value)
    {
        int c = _columns.ColumnOf(epochMs);
        if (_count[c] == 0)
        {
            _min[c] = value;
            _max[c] = value;
        }
        else
        {
            _min[c] = Math.Min(_min[c], value);
            _max[c] = Math.Max(_max[c], value);
        }

        _sum[c] += value;
        _count[c]++;
        Samples++;
        Peak = Math.Max(Peak, value);
    }

    /// <summary>Adds to a column's sum only (a quantity per column, such as CPU time spent in it).</summary>
    public void Accumulate(long epochMs, double amount)
    {
        int c = _columns.ColumnOf(epochMs);
        _sum[c] += amount;
        _count[c]++;
        Samples++;
    }

    public void HalveColumns()
    {
        int used = _min.Length;
        for (int c = 0; c < used; c += 2)
        {
            int to = c / 2;
            int a = c, b = c + 1;
            bool hasA = _count[a] > 0, hasB = b < used && _count[b] > 0;
            double min = hasA && hasB ? Math.Min(_min[a], _min[b]) : hasA ? _min[a] : hasB ? _min[b] : 0;
            double max = hasA && hasB ? Math.Max(_max[a], _max[b]) : hasA ? _max[a] : hasB ? _max[b] : 0;
            double sum = _sum[a] + (b < used ? _sum[b] : 0);
            int count = _count[a] + (b < used ? _count[b] : 0);
            _min[to] = min;
            _max[to] = max;
            _sum[to] = sum;
            _count[to] = count;
        }

        Array.Clear(_min, used / 2, used - (used / 2));
        Array.Clear(_max, used / 2, used - (used / 2));
        Array.Clear(_sum, used / 2, used - (used / 2));
        Array.Clear(_count, used / 2, used - (used / 2));
    }

    /// <summary>Two points per non-empty column (its min, then its max), for a line that shows every extreme.</summary>
    public (double[] Xs, double[] Ys) Envelope()
    {
        var xs = new List<double>();
        var ys = new List<double>();
        for (int c = 0; c < _columns.Count; c++)
        {
            if (_count[c] == 0)
            {
                continue;
            }

            double x = _columns.CenterSeconds(c);
            xs.Add(x);
            ys.Add(_min[c]);
            if (_max[c] != _min[c])
            {
                xs.Add(x);
                ys.Add(_max[c]);
            }
        }

        return ([.. xs], [.. ys]);
    }

    /// <summary>The column's sum per column, with empty columns as 0 (for stacked areas of a quantity).</summary>
    public double[] Sums() => _sum.AsSpan(0, _columns.Count).ToArray();

    public bool HasColumn(int column) => _count[column] > 0;
}
