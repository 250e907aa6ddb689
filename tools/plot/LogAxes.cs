using ScottPlot;
using ScottPlot.TickGenerators;

namespace Tracekit.Plot;

/// <summary>
/// ScottPlot 5 draws linear axes only: the data are plotted as log10 values, and these tick generators put the
/// major ticks on whole decades labelled in plain units (1, 10, 100 …) with log-spaced minor ticks between them.
/// </summary>
internal static class LogAxes
{
    public static void Apply(ScottPlot.Plot plot, bool logX, bool logY)
    {
        if (logX) plot.Axes.Bottom.TickGenerator = Decades();
        if (logY) plot.Axes.Left.TickGenerator = Decades();
        plot.Axes.Margins(0.08, 0.12);
    }

    private static NumericAutomatic Decades() => new()
    {
        MinorTickGenerator = new LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = Label,
    };

    private static string Label(double log10)
    {
        double value = Math.Pow(10, log10);
        return value >= 1 ? value.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture)
                          : value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
    }
}
