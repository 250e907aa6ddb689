using Tracekit.Convert.Cctf;
using Tracekit.Convert.Cli;
using Tracekit.Convert.Reading;

namespace Tracekit.Convert.Report;

/// <summary>What <see cref="ReportBuilder.Build"/> does.</summary>
public sealed class ReportOptions
{
    public required string RunDirectory { get; init; }

    /// <summary>Default: <c>&lt;run&gt;/report.html</c>.</summary>
    public string? OutputPath { get; init; }

    public bool Salvage { get; init; }

    public string ResolvedOutputPath => OutputPath ?? Path.Combine(RunDirectory, "report.html");
}

/// <summary>The outcome of a report: where it is, and what it holds.</summary>
public sealed class ReportResult
{
    public required string OutputPath { get; init; }

    public required long Records { get; init; }

    public required int Nodes { get; init; }

    public required int Plots { get; init; }

    public required long SizeInBytes { get; init; }
}

/// <summary>
/// `tracekit-convert report`: reads every node of a run once, through the same pipeline as `cctf` (segments,
/// anchors, merged streams, decoded .NET captures), into <see cref="NodeReport"/>s, then writes one HTML file.
/// </summary>
public static class ReportBuilder
{
    /// <summary>Columns per plot: about one per pixel of a plot's data area (<see cref="ReportCharts.Width"/>).</summary>
    public const int Columns = 600;

    /// <exception cref="ConvertException">Missing or empty run, corruption without salvage, unwritable output.</exception>
    public static ReportResult Build(ReportOptions options, IProgressSink? progress = null, Action<string>? warn = null)
    {
        progress ??= NoProgress.Instance;
        warn ??= static _ => { };
        using var dotnet = Dotnet.DotnetCaptures.Decode(RunInput.Discover(options.RunDirectory), warn);
        var nodes = new List<NodeReport>();
        long bytesBefore = 0;
        foreach (var node in dotnet.Nodes)
        {
            var report = new NodeReport(node, Columns);
            nodes.Add(report);
            using (var source = CctfConverter.OpenNode(node, report, options.Salvage))
            {
                bytesBefore += RecordPump.Drain(source, report.Add, progress, bytesBefore);
            }

            report.Finish();
        }

        progress.Complete();
        var opendc = OpendcSummary.TryRead(options.RunDirectory, warn);
        var page = new ReportPage(options.RunDirectory, nodes, opendc);
        string html = page.Render();
        string outputPath = Path.GetFullPath(options.ResolvedOutputPath);
        WriteAtomically(outputPath, html);
        return new ReportResult
        {
            OutputPath = outputPath,
            Records = nodes.Sum(static n => n.Audit.TotalRecords),
            Nodes = nodes.Count,
            Plots = page.Plots,
            SizeInBytes = new FileInfo(outputPath).Length,
        };
    }

    /// <summary>A report is never seen half-written: it is written beside its place and renamed over it.</summary>
    private static void WriteAtomically(string path, string html)
    {
        string? folder = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
        {
            throw new ConvertException(ReturnCode.OutputError, $"Folder '{folder}' of --out does not exist; create it or choose another --out.");
        }

        string partial = path + ".partial";
        File.WriteAllText(partial, html);
        File.Move(partial, path, overwrite: true);
    }
}
