using Tracekit.Convert.Report;
using Tracekit.Convert.Tests.Support;

namespace Tracekit.Convert.Tests.Report;

/// <summary>
/// `tracekit-convert report` on a converted two-node run: loaded in headless chromium (every plot drawn with its
/// series, no error, no request), and its figures checked against the CCTF files and, for tasks, DuckDB.
/// </summary>
public sealed class ReportTests(MultiNodeReportRun run) : IClassFixture<MultiNodeReportRun>
{
    [Fact]
    public void Report_MultiNodeRun_WritesOneFileWithEveryNodeAndOpendc()
    {
        Assert.True(run.Cctf.ExitCode == 0, run.Cctf.Console.ErrorText);
        Assert.True(run.Opendc.ExitCode == 0, run.Opendc.Console.ErrorText);
        Assert.True(run.Report.ExitCode == 0, run.Report.Console.ErrorText);
        Assert.Contains(run.ReportPath, run.Report.Console.OutText, StringComparison.Ordinal);
        string html = File.ReadAllText(run.ReportPath);
        foreach (string node in MultiNodeReportRun.Nodes)
        {
            Assert.Contains($"id=\"node-{node}\"", html, StringComparison.Ordinal);
        }

        Assert.Contains("id=\"opendc\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_InChromium_EveryPlotDrawnWithItsSeriesAndNothingRequested()
    {
        var page = HeadlessChromium.Load(run.ReportPath, ReportPage.ContentSecurityPolicy);
        var expected = new Dictionary<string, int>();
        foreach (string node in MultiNodeReportRun.Nodes)
        {
            expected[$"cpu-{node}"] = 3;
            expected[$"memory-{node}"] = 1;
            expected[$"network-{node}"] = 2;
            expected[$"processes-cpu-{node}"] = MultiNodeReportRun.Commands.Length;
            expected[$"processes-rss-{node}"] = MultiNodeReportRun.Commands.Length;
            expected[$"gantt-{node}"] = 1;
            expected[$"latency-{node}"] = 3;
            expected[$"queue-{node}"] = 1;
            expected[$"gc-{node}"] = 1;
            expected[$"metric-{node}-0"] = 1;
            expected[$"metric-{node}-1"] = 1;
        }

        expected["opendc-demand"] = 1;
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), page.Figures.Select(static f => f.Id).Order(StringComparer.Ordinal));
        foreach (var figure in page.Figures)
        {
            Assert.True(figure.Declared == expected[figure.Id], $"{figure.Id} declares {figure.Declared} series, expected {expected[figure.Id]}");
            Assert.True(figure.LegendEntries == expected[figure.Id], $"{figure.Id} shows {figure.LegendEntries} legend entries, expected {expected[figure.Id]}");
            Assert.True(figure.DrawnInPlotArea >= expected[figure.Id], $"{figure.Id} drew {figure.DrawnInPlotArea} shapes in its plot area, expected at least {expected[figure.Id]}");
            Assert.True(figure.Width > 100 && figure.Height > 50, $"{figure.Id} is {figure.Width}x{figure.Height} px");
        }

        Assert.Empty(page.Errors);
        Assert.Empty(page.Blocked);
        Assert.Empty(page.Resources);
        Assert.DoesNotContain("Uncaught", page.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_Screenshot_IsNotBlank()
    {
        double inked = HeadlessChromium.InkedShare(run.ReportPath);
        Assert.True(inked > 0.03, $"only {inked:P2} of the screenshot differs from the background");
    }

    [Fact]
    public void Report_Figures_EqualThoseFromTheCctfFilesAndTheTasksTable()
    {
        string html = File.ReadAllText(run.ReportPath);
        foreach (string node in MultiNodeReportRun.Nodes)
        {
            Assert.Equal(ReportFigures.PeakCpuFromCctf(run.Run.OutputDirectory, node), ReportFigures.Number(html, "peak-cpu", node), 3);
            Assert.Equal(ReportFigures.P99FromCctf(run.Run.OutputDirectory, node), ReportFigures.Number(html, "p99-ms", node));
            Assert.Equal(MultiNodeReportRun.Ticks / 2, ReportFigures.Number(html, "invocations", node));
        }

        Assert.Equal(OpendcTables.Tasks(Path.Combine(run.Run.RunDirectory, "opendc")).Count, ReportFigures.Number(html, "opendc-tasks"));
    }
}
