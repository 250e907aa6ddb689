using ScottPlot;

namespace Tracekit.Plot;

/// <summary>The report's plots. Rates and costs span decades, so those axes are log10 with labels in plain units.</summary>
internal static class Charts
{
    private const int Width = 1100;
    private const int Height = 560;

    public static string CpuVsRate(OverheadResults r, string path)
    {
        var plot = NewPlot(r, "Sampler CPU against sampling rate", "sampling rate (Hz, log)", "sampler CPU (% of one core, log)");
        AddCostSeries(plot, r, p => p.CpuPercent);
        LogAxes.Apply(plot, logX: true, logY: true);
        plot.ShowLegend(Edge.Right);
        return Save(plot, path);
    }

    public static string CostPerSampleVsRate(OverheadResults r, string path)
    {
        var plot = NewPlot(r, "CPU per process-sample against sampling rate", "sampling rate (Hz, log)", "CPU per process-sample (µs, log)");
        AddCostSeries(plot, r, p => p.MicrosecondsPerSample);
        var goal = plot.Add.HorizontalLine(Math.Log10(2), 1.5f, Colors.Red, LinePattern.Dotted);
        goal.LegendText = "goal: 2 µs";
        LogAxes.Apply(plot, logX: true, logY: true);
        plot.ShowLegend(Edge.Right);
        return Save(plot, path);
    }

    public static string VictimLossVsRate(OverheadResults r, string path)
    {
        var plot = NewPlot(r, "Victim throughput loss against the observer's rate (100 targets)", "sampling rate (Hz, log)",
            "victim throughput loss (%, median; bars: min–max)");
        foreach (string sampler in new[] { "tracekit", "naive", "pidstat" })
        {
            VictimPoint[] points = r.Victim.Where(v => v.Sampler == sampler).OrderBy(v => v.RateHz).ToArray();
            if (points.Length == 0) continue;
            Color color = SamplerColor(sampler);
            double[] xs = points.Select(p => Math.Log10(p.RateHz)).ToArray();
            var scatter = plot.Add.Scatter(xs, points.Select(p => p.LossPercent.Median).ToArray(), color);
            Style(scatter, sampler, SamplerLabel(sampler));
            for (int i = 0; i < points.Length; i++)
                ErrorBar(plot, xs[i], points[i].LossPercent.Min, points[i].LossPercent.Max, color);
        }

        var goal = plot.Add.HorizontalLine(1, 1.5f, Colors.Red, LinePattern.Dotted);
        goal.LegendText = "goal at 100 Hz: ≤ 1%";
        plot.Add.HorizontalLine(0, 1f, Colors.Gray, LinePattern.Solid);
        LogAxes.Apply(plot, logX: true, logY: false);
        plot.ShowLegend(Alignment.UpperLeft);
        return Save(plot, path);
    }

    public static string RssOverTime(OverheadResults r, string path)
    {
        var plot = NewPlot(r, "Collector memory over time (16 MiB ring, 100 targets)", "time since the window began (s)", "resident memory (MiB)");
        Color[] palette = [Colors.SteelBlue, Colors.DarkOrange, Colors.ForestGreen, Colors.Purple, Colors.Brown];
        int i = 0;
        foreach (MemorySeries series in r.Memory.OrderBy(m => m.RateHz))
        {
            Color color = palette[i++ % palette.Length];
            var line = plot.Add.Scatter(series.Seconds, series.RssKiB.Select(k => k / 1024).ToArray(), color);
            line.LegendText = $"tracekit {series.RateHz} Hz: VmRSS";
            line.MarkerSize = 3;
            // The rest of VmRSS is file pages: the binary's and the ring pages written so far.
            var anon = plot.Add.Scatter(series.Seconds, series.AnonKiB.Select(k => k / 1024).ToArray(), color);
            anon.LegendText = $"tracekit {series.RateHz} Hz: RssAnon";
            anon.LinePattern = LinePattern.Dashed;
            anon.MarkerSize = 0;
        }

        var goal = plot.Add.HorizontalLine(32e6 / 1048576, 1.5f, Colors.Red, LinePattern.Dotted);
        goal.LegendText = "goal: 32 MB";
        plot.Axes.SetLimitsY(0, Math.Max(40, r.Memory.SelectMany(m => m.RssKiB).DefaultIfEmpty(0).Max() / 1024 * 1.1));
        plot.ShowLegend(Edge.Right);
        return Save(plot, path);
    }

    /// <summary>One series per sampler and process count; error bars span min–max over the repeats.</summary>
    private static void AddCostSeries(ScottPlot.Plot plot, OverheadResults r, Func<CostPoint, Spread?> value)
    {
        foreach (var group in r.Cost.GroupBy(p => (p.Sampler, p.Processes)).OrderBy(g => g.Key.Sampler).ThenBy(g => g.Key.Processes))
        {
            var points = group.Where(p => value(p) is { Median: > 0 }).OrderBy(p => p.RateHz).ToArray();
            if (points.Length == 0) continue;
            Color color = ProcessCountColor(group.Key.Processes);
            double[] xs = points.Select(p => Math.Log10(p.RateHz)).ToArray();
            var scatter = plot.Add.Scatter(xs, points.Select(p => Math.Log10(value(p)!.Value.Median)).ToArray(), color);
            Style(scatter, group.Key.Sampler, $"{SamplerLabel(group.Key.Sampler)}, {group.Key.Processes} processes");
            for (int i = 0; i < points.Length; i++)
            {
                Spread s = value(points[i])!.Value;
                if (s.Min > 0) ErrorBar(plot, xs[i], Math.Log10(s.Min), Math.Log10(s.Max), color);
            }
        }
    }

    private static void Style(ScottPlot.Plottables.Scatter scatter, string sampler, string label)
    {
        scatter.LegendText = label;
        scatter.LineWidth = sampler == "pidstat" ? 0 : 2;
        scatter.LinePattern = sampler == "naive" ? LinePattern.Dashed : LinePattern.Solid;
        scatter.MarkerSize = 9;
        scatter.MarkerShape = sampler switch
        {
            "tracekit" => MarkerShape.FilledCircle,
            "naive" => MarkerShape.FilledSquare,
            _ => MarkerShape.FilledTriangleUp,
        };
    }

    private static void ErrorBar(ScottPlot.Plot plot, double x, double low, double high, Color color)
    {
        var bar = plot.Add.Line(x, low, x, high);
        bar.Color = color;
        bar.LineWidth = 1.5f;
        bar.MarkerSize = 0;
    }

    private static string SamplerLabel(string sampler) => sampler switch
    {
        "tracekit" => "tracekit collect",
        "naive" => "naive re-opening sampler",
        "pidstat" => "pidstat -u -r (1 s)",
        _ => sampler,
    };

    private static Color SamplerColor(string sampler) => sampler switch
    {
        "tracekit" => Colors.SteelBlue,
        "naive" => Colors.DarkOrange,
        _ => Colors.ForestGreen,
    };

    private static Color ProcessCountColor(int processes) => processes switch
    {
        <= 10 => Colors.SteelBlue,
        <= 100 => Colors.DarkOrange,
        _ => Colors.ForestGreen,
    };

    private static ScottPlot.Plot NewPlot(OverheadResults r, string title, string xLabel, string yLabel)
    {
        var plot = new ScottPlot.Plot();
        string note = r.Quick ? " [QUICK RUN: 1 repeat, noisy]" : $" ({r.Repeats} repeats)";
        plot.Title(title + note, 14);
        plot.XLabel(xLabel, 13);
        plot.YLabel(yLabel, 13);
        return plot;
    }

    private static string Save(ScottPlot.Plot plot, string path)
    {
        plot.SavePng(path, Width, Height);
        return path;
    }
}
