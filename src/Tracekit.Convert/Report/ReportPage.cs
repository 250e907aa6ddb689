using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Tracekit.Convert.Cctf;

namespace Tracekit.Convert.Report;

/// <summary>
/// The HTML of the report: one file, styles inline, plots inline SVG, no script and a Content-Security-Policy that
/// forbids every request, so it opens offline and nothing it holds can fetch anything. Each plot is a
/// <c>figure.plot</c> whose <c>data-series</c> names what it draws; key figures carry <c>data-figure</c>
/// attributes so scripts (and the tests) read them without parsing prose.
/// </summary>
internal sealed partial class ReportPage(string runDirectory, IReadOnlyList<NodeReport> nodes, OpendcSummary? opendc)
{
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

    private readonly StringBuilder _html = new();

    /// <summary>The page is text, a plot, text, a plot…: the text before each plot, then the text after the last.</summary>
    private readonly List<string> _textBefore = [];
    private readonly List<Chart> _charts = [];

    public int Plots => _charts.Count;

    public string Render()
    {
        string run = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory)));
        _html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"").Append(ContentSecurityPolicy).Append("\">")
            .Append("<title>Tracekit report: ").Append(Html(run)).Append("</title><style>").Append(Style).Append("</style></head><body>\n")
            .Append("<h1>Tracekit report: run ").Append(Html(run)).Append("</h1>\n");
        RunSection();
        foreach (var node in nodes)
        {
            NodeSection(node);
        }

        OpendcSection();
        _html.Append("<footer>Written by tracekit-convert report. Plots: ScottPlot; each line shows the minimum and the maximum of every pixel column, so no spike is averaged away.</footer>\n</body></html>\n");
        var svgs = new string[_charts.Count];
        Parallel.For(0, _charts.Count, i => svgs[i] = Scalable(ScopeIds(StripXmlDeclaration(_charts[i].RenderSvg()), _charts[i].Id)));
        var page = new StringBuilder();
        for (int i = 0; i < _charts.Count; i++)
        {
            page.Append(_textBefore[i]).Append(svgs[i]).Append("</figure>\n");
        }

        return page.Append(_html).ToString();
    }

    private void RunSection()
    {
        _html.Append("<section id=\"run\"><h2>The run</h2>\n<table><tr><th>node</th><th>streams</th><th>records</th><th>first record (UTC)</th><th>duration</th>")
            .Append("<th>ticks</th><th>missed ticks</th><th>dropped</th><th>overwritten</th><th>damaged records</th><th>skipped ranges</th><th>host CPU gaps</th></tr>\n");
        foreach (var n in nodes)
        {
            var a = n.Audit;
            long ticks = 0, missed = 0, dropped = 0, overwritten = 0;
            foreach (var (r, _, _) in a.SelfReports.Values)
            {
                ticks += (long)r.Ticks;
                missed += (long)r.MissedTicks;
                dropped += (long)r.RecordsDropped;
                overwritten += (long)r.RecordsOverwritten;
            }

            long headerDropped = a.Segments.Where(static s => s.Header is not null).Sum(static s => s.Header!.DroppedRecords);
            long headerOverwritten = a.Segments.Where(static s => s.Header is not null).Sum(static s => s.Header!.OverwrittenRecords);
            long median = a.HostCpu.MedianNs();
            long gaps = median == 0 ? 0 : a.HostCpu.CountAbove(median + (median / 2));
            bool any = a.TotalRecords > 0;
            _html.Append("<tr><td>").Append(Html(n.Audit.NodeId)).Append("</td>")
                .Append(Cell(n.Audit.Node.Streams.Count))
                .Append(Cell(a.TotalRecords, "records", n))
                .Append("<td>").Append(any ? DateTimeOffset.FromUnixTimeMilliseconds(a.FirstEpochMs).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) : "-").Append("</td>")
                .Append("<td data-figure=\"duration-s\" data-node=\"").Append(Html(n.Audit.NodeId)).Append("\">")
                .Append(any ? Inv($"{(a.LastEpochMs - a.FirstEpochMs) / 1000.0:0.###} s") : "-").Append("</td>")
                .Append(Cell(ticks)).Append(Cell(missed, "missed-ticks", n))
                .Append(Cell(Math.Max(dropped, headerDropped), "dropped", n)).Append(Cell(Math.Max(overwritten, headerOverwritten), "overwritten", n))
                .Append(Cell(a.DamagedRecords)).Append(Cell(a.DamageCountByKind.Sum())).Append(Cell(gaps))
                .Append("</tr>\n");
        }

        _html.Append("</table>\n<p class=\"note\">Ticks, missed ticks, drops and overwrites come from each stream's last SelfReport and from the segment headers; ")
            .Append("a gap is a host CPU interval longer than 1.5 times the median. The full audit, with every gap and skipped range, is ")
            .Append("<a href=\"cctf/audit_report.md\">cctf/audit_report.md</a> (written by <code>tracekit-convert cctf</code>).</p></section>\n");
    }

    private void NodeSection(NodeReport n)
    {
        string id = Slug(n.Audit.NodeId);
        var cols = n.Columns;
        _html.Append("<section class=\"node\" id=\"node-").Append(id).Append("\"><h2>Node ").Append(Html(n.Audit.NodeId)).Append("</h2>\n");
        var topProcesses = n.Processes.Top(ReportCharts.MaxStacked);
        var sortedRt = n.Invocations.Responses.Select(static r => r.RtMs).Order().ToList();
        _html.Append("<table class=\"figures\"><tr><th>peak host CPU (busy, % of the host)</th><th>processes sampled</th><th>invocations</th><th>p50 / p95 / p99 response (ms)</th><th>GC pauses</th></tr><tr>")
            .Append(Cell(n.CpuBusy.Samples == 0 ? "-" : Inv($"{Rows.Round3(n.CpuBusy.Peak):0.###}"), "peak-cpu", n))
            .Append(Cell(n.Processes.Count, "processes", n))
            .Append(Cell(n.Invocations.Invocations, "invocations", n))
            .Append(Cell(sortedRt.Count == 0 ? "-" : Inv($"{Percentiles.Of(sortedRt, 0.5)} / {Percentiles.Of(sortedRt, 0.95)} / ") + $"<span data-figure=\"p99-ms\" data-node=\"{Html(n.Audit.NodeId)}\">{Inv($"{Percentiles.Of(sortedRt, 0.99)}")}</span>"))
            .Append(Cell(n.GcCount, "gc-count", n)).Append("</tr></table>\n");
        if (n.Invocations.SampledInvocations > 0)
        {
            // A sampled source recorded a share of its requests: the count above is what was recorded; scaled by
            // 1 / ratio it estimates what was served. Percentiles are those of the recorded requests.
            _html.Append("<p class=\"note\">").Append(Inv($"{n.Invocations.SampledInvocations:N0}")).Append(" of these invocations were sampled requests; scaled by 1 / their sample ratio they stand for about ")
                .Append("<span data-figure=\"estimated-invocations\" data-node=\"").Append(Html(n.Audit.NodeId)).Append("\">")
                .Append(Inv($"{Math.Round(n.Invocations.EstimatedInvocations):0}")).Append("</span> invocations. Response percentiles are those of the recorded requests.</p>\n");
        }

        _html.Append("<h3>Host</h3>\n");
        if (n.CpuUser.Samples > 0)
        {
            Figure(ReportCharts.Lines($"cpu-{id}", "Host CPU", "% of the host (all cores)",
                [Series("user", n.CpuUser), Series("system", n.CpuSystem), Series("iowait", n.CpuIowait)], yMax: 100));
        }

        if (n.MemoryUsedMiB.Samples > 0)
        {
            Figure(ReportCharts.Lines($"memory-{id}", "Host memory in use (MemTotal − MemAvailable)", "MiB", [Series("used", n.MemoryUsedMiB)]));
        }

        if (n.NetRxMBps.Samples > 0)
        {
            Figure(ReportCharts.Lines($"network-{id}", "Network (all interfaces but loopback)", "MB/s", [Series("rx", n.NetRxMBps), Series("tx", n.NetTxMBps)]));
        }

        if (topProcesses.Count > 0)
        {
            _html.Append("<h3>Top processes by CPU</h3>\n");
            var xs = Enumerable.Range(0, cols.Count).Select(cols.CenterSeconds).ToArray();
            Figure(ReportCharts.Stacked($"processes-cpu-{id}", $"CPU of the {topProcesses.Count} processes with the most CPU time (stacked)", "% of one core",
                xs, [.. topProcesses.Select(t => (t.Label, t.CpuPercent(cols.Count, cols.WidthMs)))]));
            Figure(ReportCharts.Lines($"processes-rss-{id}", "Their resident memory (largest per column)", "MiB",
                [.. topProcesses.Select(t => { var (c, rss) = t.RssSeries(); return (t.Label, c.Select(cols.CenterSeconds).ToArray(), rss); })]));
        }

        InvocationFigures(n, id, sortedRt);
        DotnetFigures(n, id);
        _html.Append("</section>\n");
    }

    private void InvocationFigures(NodeReport n, string id, List<int> sortedRt)
    {
        var bars = n.Invocations.Bars();
        if (bars.Count == 0)
        {
            return;
        }

        _html.Append("<h3>Jobs and requests</h3>\n");
        string shown = n.Invocations.Invocations > bars.Count ? Inv($" (the {bars.Count} longest of {n.Invocations.Invocations:N0})") : string.Empty;
        Figure(ReportCharts.Gantt($"gantt-{id}", "Invocations" + shown, bars));
        if (sortedRt.Count > 0)
        {
            var (xs, p50, p95, p99) = Percentiles.PerColumn(n.Columns, n.Invocations.Responses);
            Figure(ReportCharts.Lines($"latency-{id}", "Response time per column (by end time)", "ms", [("p50", xs, p50), ("p95", xs, p95), ("p99", xs, p99)]));
        }

        var queue = n.Invocations.QueueTimesMs;
        if (queue.Count > 0)
        {
            int max = Math.Max(1, queue.Max());
            double binWidth = Math.Max(1, Math.Ceiling(max / 40.0));
            var counts = new double[(int)(max / binWidth) + 1];
            foreach (int q in queue)
            {
                counts[(int)(Math.Max(0, q) / binWidth)]++;
            }

            Figure(ReportCharts.Histogram($"queue-{id}", Inv($"Queue wait ({queue.Count:N0} invocations with an enqueue time)"), "queue wait (ms)", "queue wait",
                [.. Enumerable.Range(0, counts.Length).Select(i => i * binWidth)], binWidth, counts));
        }
    }

    private void DotnetFigures(NodeReport n, string id)
    {
        if (n.GcPauseMs.Samples == 0 && n.Instruments.Count == 0)
        {
            return;
        }

        _html.Append("<h3>.NET runtime</h3>\n");
        if (n.GcPauseMs.Samples > 0)
        {
            Figure(ReportCharts.Lines($"gc-{id}", Inv($"GC pauses ({n.GcCount:N0})"), "pause (ms)", [Series("GC pause", n.GcPauseMs)]));
        }

        int i = 0;
        foreach (var (name, series) in n.Instruments)
        {
            Figure(ReportCharts.Lines($"metric-{id}-{i++}", name, string.Empty, [Series(name, series)]));
        }

        if (n.InstrumentsNotDrawn.Count > 0)
        {
            _html.Append("<p class=\"note\">Also captured, not drawn: ").Append(Html(string.Join(", ", n.InstrumentsNotDrawn))).Append(".</p>\n");
        }
    }

    private void OpendcSection()
    {
        if (opendc is null)
        {
            return;
        }

        _html.Append("<section id=\"opendc\"><h2>OpenDC conversion</h2>\n<table class=\"figures\"><tr><th>tasks</th><th>fragments</th><th>Σ cpu_usage × duration</th></tr><tr>")
            .Append("<td data-figure=\"opendc-tasks\">").Append(Inv($"{opendc.Tasks}")).Append("</td>")
            .Append("<td data-figure=\"opendc-fragments\">").Append(Inv($"{opendc.Fragments}")).Append("</td>")
            .Append("<td>").Append(Inv($"{opendc.FragmentMhzSeconds:0.###} MHz·s")).Append("</td></tr></table>\n");
        if (opendc.ConservationLine is not null)
        {
            _html.Append("<p>").Append(Html(opendc.ConservationLine)).Append(" (from <a href=\"opendc/conversion_report.md\">conversion_report.md</a>)</p>\n");
        }

        Figure(ReportCharts.Lines("opendc-demand", "CPU demand of the workload (Σ cpu_usage of running fragments)", "MHz",
            [("demand", opendc.ColumnSeconds, opendc.DemandMhz)]));
        _html.Append("</section>\n");
    }

    private void Figure(Chart chart)
    {
        _html.Append("<figure class=\"plot\" id=\"").Append(chart.Id).Append("\" data-series=\"").Append(chart.Series.Count)
            .Append("\" data-series-names=\"").Append(Html(string.Join("\u001f", chart.Series))).Append("\">");
        _textBefore.Add(_html.ToString());
        _html.Clear();
        _charts.Add(chart);
    }

    private static (string, double[], double[]) Series(string name, ColumnSeries series)
    {
        var (xs, ys) = series.Envelope();
        return (name, xs, ys);
    }

    /// <summary>
    /// A viewBox from the SVG's own width and height, so the page can scale a plot to its column instead of
    /// cropping it (ScottPlot writes only the pixel size).
    /// </summary>
    private static string Scalable(string svg)
    {
        var size = SvgSize().Match(svg);
        return size.Success
            ? svg.Insert(size.Index + "<svg ".Length, $"viewBox=\"0 0 {size.Groups["w"].Value} {size.Groups["h"].Value}\" ")
            : svg;
    }

    [GeneratedRegex("<svg [^>]*?width=\"(?<w>[0-9.]+)\" height=\"(?<h>[0-9.]+)\"")]
    private static partial Regex SvgSize();

    /// <summary>Every SVG names its clip paths cl_1, cl_2…: inline in one page, the first of each name would clip them all.</summary>
    private static string ScopeIds(string svg, string chartId) =>
        svg.Replace("id=\"cl_", $"id=\"{chartId}-cl_", StringComparison.Ordinal).Replace("url(#cl_", $"url(#{chartId}-cl_", StringComparison.Ordinal);

    private static string StripXmlDeclaration(string svg) =>
        svg.StartsWith("<?xml", StringComparison.Ordinal) ? svg[(svg.IndexOf("?>", StringComparison.Ordinal) + 2)..] : svg;

    private static string Cell<T>(T value, string? figure = null, NodeReport? node = null)
    {
        string text = value is string s ? s : Inv($"{value:N0}");
        return figure is null
            ? $"<td>{text}</td>"
            : $"<td data-figure=\"{figure}\" data-node=\"{Html(node!.Audit.NodeId)}\">{text}</td>";
    }

    private static string Slug(string nodeId) => string.Concat(nodeId.Select(static c => char.IsAsciiLetterOrDigit(c) ? c : '-'));

    private static string Html(string text) => WebUtility.HtmlEncode(text);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private const string Style =
        "body{font-family:system-ui,sans-serif;margin:1em auto;padding:0 1em;max-width:1600px;color:#222}" +
        "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right;font-size:.9em}" +
        "th{background:#f3f3f3}td:first-child{text-align:left}figure.plot{display:inline-block;vertical-align:top;width:calc(50% - 1em);min-width:380px;margin:.5em .5em .5em 0}figure.plot svg{width:100%;height:auto}" +
        ".note{color:#555;font-size:.9em}footer{margin-top:2em;color:#777;font-size:.8em}h2{border-bottom:1px solid #ddd}";
}
