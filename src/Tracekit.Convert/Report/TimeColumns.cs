namespace Tracekit.Convert.Report;

/// <summary>Something binned on a node's <see cref="TimeColumns"/>: merges column pairs when the columns widen.</summary>
internal interface IColumnBinned
{
    /// <summary>Column c becomes column c / 2: every pair of columns merges into one.</summary>
    void HalveColumns();
}

/// <summary>
/// The time axis of one node's plots: at most <see cref="Capacity"/> columns (about one per pixel of a plot's
/// width) starting at the node's first record. The columns start 1 ms wide and double whenever a record falls
/// past the last one, so memory is fixed whatever the run's length and no pass over the data is needed first.
/// </summary>
internal sealed class TimeColumns(int capacity)
{
    private readonly List<IColumnBinned> _series = [];

    public int Capacity { get; } = capacity;

    public long OriginEpochMs { get; private set; } = long.MinValue;

    public long WidthMs { get; private set; } = 1;

    /// <summary>Columns in use: one past the last column any record fell in.</summary>
    public int Count { get; private set; }

    public void Register(IColumnBinned series) => _series.Add(series);

    /// <summary>The column of an epoch time; widens the columns first if needed. Times before the origin go to 0.</summary>
    public int ColumnOf(long epochMs)
    {
        if (OriginEpochMs == long.MinValue)
        {
            OriginEpochMs = epochMs;
        }

        long offsetMs = Math.Max(0, epochMs - OriginEpochMs);
        while (offsetMs / WidthMs >= Capacity)
        {
            WidthMs *= 2;
            Count = (Count + 1) / 2;
            foreach (var series in _series)
            {
                series.HalveColumns();
            }
        }

        int column = (int)(offsetMs / WidthMs);
        Count = Math.Max(Count, column + 1);
        return column;
    }

    /// <summary>
    /// Spreads an amount over the time from <paramref name="fromEpochMs"/> to <paramref name="toEpochMs"/> (already
    /// seen by <see cref="ColumnOf"/>), in proportion to each column's share of it: CPU time measured over 100 ms
    /// must not land in one 10 ms column.
    /// </summary>
    public void Spread(long fromEpochMs, long toEpochMs, double amount, Action<int, double> add)
    {
        int last = ColumnOf(toEpochMs);
        long fromOffsetMs = Math.Max(0, fromEpochMs - OriginEpochMs);
        long toOffsetMs = toEpochMs - OriginEpochMs;
        int first = (int)Math.Min(last, fromOffsetMs / WidthMs);
        if (first == last || toOffsetMs <= fromOffsetMs)
        {
            add(last, amount);
            return;
        }

        double spanMs = toOffsetMs - fromOffsetMs;
        for (int c = first; c <= last; c++)
        {
            long overlapMs = Math.Min(toOffsetMs, (c + 1) * WidthMs) - Math.Max(fromOffsetMs, c * WidthMs);
            if (overlapMs > 0)
            {
                add(c, amount * overlapMs / spanMs);
            }
        }
    }

    /// <summary>Seconds from the node's first record to the middle of a column (the plots' x).</summary>
    public double CenterSeconds(int column) => ((column * WidthMs) + (WidthMs / 2.0)) / 1000.0;
}
