using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tracekit.Convert.Tests.Support;

namespace Tracekit.Convert.Tests.Report;

/// <summary>The report's key figures as printed (its data-figure cells), and the same figures from the CCTF files.</summary>
public static partial class ReportFigures
{
    public static string Figure(string html, string figure, string? node = null)
    {
        var match = FigureCell().Matches(html).FirstOrDefault(m => m.Groups["figure"].Value == figure && (node is null || m.Groups["node"].Value == node));
        Assert.True(match is not null, $"the report has no data-figure=\"{figure}\"{(node is null ? string.Empty : $" for node {node}")}");
        return match.Groups["value"].Value;
    }

    public static double Number(string html, string figure, string? node = null) =>
        double.Parse(Figure(html, figure, node).Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);

    /// <summary>The largest cpu_util of the node in host_metrics.jsonl.</summary>
    public static double PeakCpuFromCctf(string cctfFolder, string node) =>
        Jsonl.Read(Path.Combine(cctfFolder, "host_metrics.jsonl"))
            .Where(r => Jsonl.Str(r, "node") == node && r.TryGetProperty("cpu_util", out _))
            .Max(r => Jsonl.Double(r, "cpu_util"));

    /// <summary>The nearest-rank p99 of rt_ms over the node's finished invocations in invocations.jsonl.</summary>
    public static double P99FromCctf(string cctfFolder, string node)
    {
        var rts = Jsonl.Read(Path.Combine(cctfFolder, "invocations.jsonl"))
            .Where(r => Jsonl.Str(r, "node") == node && r.GetProperty("rt_ms").ValueKind == JsonValueKind.Number)
            .Select(r => Jsonl.Long(r, "rt_ms")).Order().ToList();
        return rts[(int)Math.Ceiling(0.99 * rts.Count) - 1];
    }

    [GeneratedRegex("<(?:td|span) data-figure=\"(?<figure>[a-z0-9-]+)\"(?: data-node=\"(?<node>[^\"]*)\")?>(?<value>[^<]*)<")]
    private static partial Regex FigureCell();
}
