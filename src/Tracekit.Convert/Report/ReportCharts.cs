using ScottPlot;

namespace Tracekit.Convert.Report;

/// <summary>One plot of the page: its id, the names of the series it draws, and how to draw it as SVG.</summary>
/// <param name="RenderSvg">Drawing is the costly part: the page draws its plots in parallel.</param>
internal sealed record Chart(string Id, string Title, IReadOnlyList<string> Series, Func<string> RenderSvg);

/// <summary>The report's plots, drawn by ScottPlot and kept as SVG text (scales without blur, no image files).</summary>
internal static class ReportCharts
{
    public const int Width = 760;
    public const int Height = 300;
    public const int MaxStacked = 8;

    private static readonly Color[] Palette =
    [
        Colors.SteelBlue, Colors.DarkOrange, Colors.ForestGreen, Colors.Crimson, Colors.MediumPurple,
        Colors.SaddleBrown, Colors.HotPink, Colors.Gray, Colors.Olive, Colors.Teal,
    ];

    public static Chart Lines(string id, string title, string yLabel, IReadOnlyList<(string Name, double[] Xs, double[] Ys)> series, double? yMax = null)
    {
        var plot = NewPlot(title, "seconds since the node's first record", yLabel);
        for (int i = 0; i < series.Count; i++)
        {
            var line = plot.Add.ScatterLine(series[i].Xs, series[i].Ys, Palette[i % Palette.Length]);
            line.LegendText = series[i].Name;
            line.LineWidth = 1.2f;
        }

        if (yMax is double max)
        {
            plot.Axes.SetLimitsY(0, max);
        }

        return Finish(plot, id, title, series.Select(static s => s.Name));
    }

    /// <summary>Areas stacked bottom-up in the order given: each series is the band above the previous ones.</summary>
    public static Chart Stacked(string id, string title, string yLabel, double[] xs, IReadOnlyList<(string Name, double[] Ys)> series)
    {
        var plot = NewPlot(title, "seconds since the node's first record", yLabel);
        var below = new double[xs.Length];
        for (int i = 0; i < series.Count; i++)
        {
            var above = below.Zip(series[i].Ys, static (b, y) => b + y).ToArray();
            var color = Palette[i % Palette.Length];
            var fill = plot.Add.FillY(xs, below, above);
            fill.FillColor = color.WithAlpha(0.75);
            fill.LineColor = color;
            fill.LegendText = series[i].Name;
            below = above;
        }

        return Finish(plot, id, title, series.Select(static s => s.Name));
    }

    /// <summary>Horizontal bars, one lane per distinct label (the Gantt of invocations).</summary>
    public static Chart Gantt(string id, string title, IReadOnlyList<InvocationBar> bars)
    {
        var plot = NewPlot(title, "seconds since the node's first record", string.Empty);
        var lanes = bars.Select(static b => b.Lane).Distinct().Order(StringComparer.Ordinal).ToList();
        var items = bars.Select(b => new Bar
        {
            Position = lanes.IndexOf(b.Lane),
            ValueBase = b.StartS,
            Value = Math.Max(b.EndS, b.StartS + 0.001),
            FillColor = b.Finished ? Colors.SteelBlue.WithAlpha(0.8) : Colors.DarkOrange.WithAlpha(0.8),
            Size = 0.6,
        }).ToList();
        var barPlot = plot.Add.Bars(items);
        barPlot.Horizontal = true;
        barPlot.LegendText = "invocations (orange: not finished)";
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. Enumerable.Range(0, lanes.Count).Select(static i => (double)i)], [.. lanes.Select(static l => Shorten(l, 28))]);
        return Finish(plot, id, title, ["invocations (orange: not finished)"], height: Math.Max(Height / 2, 60 + (lanes.Count * 24)));
    }

    /// <summary>Bars of a distribution: counts per bin.</summary>
    public static Chart Histogram(string id, string title, string xLabel, string name, double[] binStarts, double binWidth, double[] counts)
    {
        var plot = NewPlot(title, xLabel, "invocations");
        var bars = plot.Add.Bars(binStarts.Select(static (x, i) => x).ToArray(), counts);
        foreach (var bar in bars.Bars)
        {
            bar.Size = binWidth * 0.9;
            bar.Position += binWidth / 2;
            bar.FillColor = Colors.SteelBlue;
        }

        bars.LegendText = name;
        return Finish(plot, id, title, [name]);
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title, size: 14);
        plot.XLabel(xLabel, size: 12);
        plot.YLabel(yLabel, size: 12);
        return plot;
    }

    private static Chart Finish(Plot plot, string id, string title, IEnumerable<string> series, int height = Height)
    {
        plot.ShowLegend(Alignment.UpperRight);
        plot.Legend.FontSize = 10;
        return new Chart(id, title, [.. series], () => plot.GetSvgXml(Width, height));
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
