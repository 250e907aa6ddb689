namespace Tracekit.Convert.Report;

/// <summary>Nearest-rank percentiles (the smallest value with at least p of the values at or below it).</summary>
internal static class Percentiles
{
    /// <param name="sorted">Ascending.</param>
    public static double Of(IReadOnlyList<int> sorted, double fraction) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>p50, p95 and p99 of the response times ending in each column; columns without one are left out.</summary>
    public static (double[] Xs, double[] P50, double[] P95, double[] P99) PerColumn(TimeColumns columns, IReadOnlyList<(long EndEpochMs, int RtMs)> responses)
    {
        var byColumn = new List<int>?[columns.Count];
        foreach (var (endMs, rtMs) in responses)
        {
            int c = (int)Math.Clamp((endMs - columns.OriginEpochMs) / columns.WidthMs, 0, columns.Count - 1);
            (byColumn[c] ??= []).Add(rtMs);
        }

        var xs = new List<double>();
        var p50 = new List<double>();
        var p95 = new List<double>();
        var p99 = new List<double>();
        for (int c = 0; c < byColumn.Length; c++)
        {
            if (byColumn[c] is not { } values)
            {
                continue;
            }

            values.Sort();
            xs.Add(columns.CenterSeconds(c));
            p50.Add(Of(values, 0.50));
            p95.Add(Of(values, 0.95));
            p99.Add(Of(values, 0.99));
        }

        return ([.. xs], [.. p50], [.. p95], [.. p99]);
    }
}
