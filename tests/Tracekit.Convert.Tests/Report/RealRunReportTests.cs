using System.Text.Json;
using Tracekit.Convert.Report;
using Tracekit.Convert.Tests.Support;

namespace Tracekit.Convert.Tests.Report;

/// <summary>The report of a real short run (<see cref="RealReportRun"/>) in headless chromium, and against its CCTF files.</summary>
public sealed class RealRunReportTests(RealReportRun run) : IClassFixture<RealReportRun>
{
    [Fact]
    public void Report_RealRun_InChromiumEveryPlotDrawnWithItsSeriesAndNothingRequested()
    {
        Assert.True(run.Report.ExitCode == 0, run.Report.Console.ErrorText);
        var page = HeadlessChromium.Load(run.ReportPath, ReportPage.ContentSecurityPolicy);
        // The processes drawn: those with CPU time in proc_cpu.jsonl, at most the report's eight.
        int processes = Math.Min(ReportCharts.MaxStacked, Jsonl.Read(Path.Combine(run.RunDirectory, "cctf", "proc_cpu.jsonl"))
            .Where(static r => Jsonl.Double(r, "cpu_ms") > 0)
            .Select(static r => (Jsonl.Long(r, "pid"), Jsonl.Long(r, "start_ticks"))).Distinct().Count());
        var expected = new Dictionary<string, int>
        {
            ["cpu-n1"] = 3, ["memory-n1"] = 1, ["processes-cpu-n1"] = processes, ["processes-rss-n1"] = processes,
            ["gantt-n1"] = 1, ["latency-n1"] = 3, ["opendc-demand"] = 1,
        };
        if (File.ReadLines(Path.Combine(run.RunDirectory, "cctf", "link_metrics.jsonl")).Any())
        {
            expected["network-n1"] = 2;
        }

        Assert.True(processes > 0, "the run sampled no process with CPU time: the job's busy loop was not traced");
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), page.Figures.Select(static f => f.Id).Order(StringComparer.Ordinal));
        foreach (var figure in page.Figures)
        {
            Assert.True(figure.Declared == expected[figure.Id], $"{figure.Id} declares {figure.Declared} series, expected {expected[figure.Id]}");
            Assert.True(figure.LegendEntries == expected[figure.Id], $"{figure.Id} shows {figure.LegendEntries} legend entries, expected {expected[figure.Id]}");
            Assert.True(figure.DrawnInPlotArea >= expected[figure.Id], $"{figure.Id} drew {figure.DrawnInPlotArea} shapes in its plot area");
        }

        Assert.Empty(page.Errors);
        Assert.Empty(page.Blocked);
        Assert.Empty(page.Resources);
        Assert.True(HeadlessChromium.InkedShare(run.ReportPath) > 0.03, "the screenshot is blank");
    }

    [Fact]
    public void Report_RealRun_FiguresEqualThoseFromTheCctfFiles()
    {
        Assert.True(run.Cctf.ExitCode == 0, run.Cctf.Console.ErrorText);
        Assert.True(run.Opendc.ExitCode == 0, run.Opendc.Console.ErrorText);
        string html = File.ReadAllText(run.ReportPath);
        string cctf = Path.Combine(run.RunDirectory, "cctf");
        Assert.Equal(ReportFigures.PeakCpuFromCctf(cctf, RealReportRun.Node), ReportFigures.Number(html, "peak-cpu", RealReportRun.Node), 3);
        Assert.Equal(ReportFigures.P99FromCctf(cctf, RealReportRun.Node), ReportFigures.Number(html, "p99-ms", RealReportRun.Node));
        var invocations = Jsonl.Read(Path.Combine(cctf, "invocations.jsonl"));
        Assert.Equal(invocations.Count, ReportFigures.Number(html, "invocations", RealReportRun.Node));
        Assert.Equal(OpendcTables.Tasks(Path.Combine(run.RunDirectory, "opendc")).Count, ReportFigures.Number(html, "opendc-tasks"));
        Assert.All(invocations, static r => Assert.Equal(JsonValueKind.Number, r.GetProperty("rt_ms").ValueKind));
    }
}
