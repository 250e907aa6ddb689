using Tracekit.Convert.Audit;
using Tracekit.Convert.Output;
using Tracekit.Convert.Reading;

namespace Tracekit.Convert.Cctf;

/// <summary>What <see cref="CctfConverter.Convert"/> does.</summary>
public sealed class CctfOptions
{
    public required string RunDirectory { get; init; }

    /// <summary>Default: <c>&lt;run&gt;/cctf</c>.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Convert around corruption in the middle of a ring instead of stopping.</summary>
    public bool Salvage { get; init; }

    /// <summary>Write the JSON Lines files under <c>node=&lt;id&gt;/</c>, one folder per node.</summary>
    public bool PartitionByNode { get; init; }

    public string ResolvedOutputDirectory => OutputDirectory ?? Path.Combine(RunDirectory, "cctf");
}

/// <summary>The outcome of a conversion that completed (failures throw <see cref="ConvertException"/>).</summary>
public sealed class CctfResult
{
    public required string OutputDirectory { get; init; }

    public required IReadOnlyList<NodeAudit> Nodes { get; init; }

    public long Records => Nodes.Sum(static n => n.TotalRecords);

    public long DamageRanges => Nodes.Sum(static n => n.DamageCountByKind.Sum());

    public long DamagedRecords => Nodes.Sum(static n => n.DamagedRecords);
}

/// <summary>
/// `tracekit-convert cctf`: every node folder of a run to the CCTF files plus audit_report.md. Nodes are converted
/// one after the other, each as one time-ordered stream of records (its streams merged), so memory is the state of
/// one node (its live processes and open invocations), never the size of its rings.
/// </summary>
public static class CctfConverter
{
    /// <param name="warn">Receives one line per torn tail, uncommitted gap or salvaged corruption.</param>
    /// <exception cref="ConvertException">Missing or empty run, or corruption without salvage.</exception>
    public static CctfResult Convert(CctfOptions options, IProgressSink? progress = null, Action<string>? warn = null)
    {
        progress ??= NoProgress.Instance;
        warn ??= static _ => { };
        // .NET captures (raw nettrace) are decoded into scratch rings that join their nodes as streams (Dotnet/).
        using var dotnet = Dotnet.DotnetCaptures.Decode(RunInput.DiscoverMembers(options.RunDirectory, options.Salvage, warn), warn);
        var nodes = dotnet.Nodes;
        string outputDirectory = Path.GetFullPath(options.ResolvedOutputDirectory);
        var audits = new List<NodeAudit>();
        var descriptions = new List<NodeDescription>();
        using var outputs = new CctfOutputs(outputDirectory, options.PartitionByNode);
        long bytesBefore = 0;
        foreach (var node in nodes)
        {
            var audit = new NodeAudit(node);
            var description = new NodeDescription(node.NodeId);
            audits.Add(audit);
            descriptions.Add(description);
            var files = outputs.For(node.NodeId);
            var converter = new NodeConverter(files, audit, description, warn);
            using (var source = OpenNode(node, converter, options.Salvage))
            {
                bytesBefore += RecordPump.Drain(source, converter.Convert, progress, bytesBefore);
            }

            converter.Finish();
            audit.ReadSegmentHeaders();
            outputs.NodeDone(files);
        }

        progress.Complete();
        WarnSharedHostnames(descriptions, warn);
        outputs.WriteDocument(CctfFiles.Nodes, stream => NodeCatalogWriter.WriteNodes(stream, descriptions));
        outputs.WriteDocument(CctfFiles.Links, stream => NodeCatalogWriter.WriteLinks(stream, descriptions));
        var result = new CctfResult { OutputDirectory = outputDirectory, Nodes = audits };
        outputs.WriteText(CctfFiles.AuditReport, AuditReport.Render(options.RunDirectory, audits, descriptions) + dotnet.RenderAudit());
        outputs.Commit();
        return result;
    }

    /// <summary>Bytes of frames the segments hold (their head positions, capped at the capacity): the denominator
    /// of the progress bar. A segment whose header cannot be read counts with its file size.</summary>
    public static long TotalBytes(string runDirectory)
    {
        try
        {
            long total = 0;
            foreach (var node in RunInput.Discover(runDirectory))
            {
                foreach (string path in node.Streams.SelectMany(static s => s.SegmentPaths))
                {
                    try
                    {
                        using var reader = Tracekit.Ring.RingReader.Open(path);
                        var header = reader.Header;
                        total += Math.Min(header.HeadPosition, header.CapacityInBytes);
                    }
                    catch (Exception ex) when (ex is Tracekit.Ring.RingFormatException or IOException)
                    {
                        total += new FileInfo(path).Length;
                    }
                }
            }

            return total;
        }
        catch (ConvertException)
        {
            return 0;
        }
    }

    internal static IRecordSource OpenNode(NodeSource node, IReadObserver observer, bool salvage)
    {
        var cursors = node.Streams
            .Select(stream => new StreamCursor(ClusterClock.Context(node, stream), Dotnet.DotnetCaptures.Observe(stream, observer), salvage))
            .ToList();

        // One stream (the usual case) needs no merge and no payload copy.
        return cursors.Count == 1 ? cursors[0] : new MergedRecordSource(cursors);
    }

    /// <summary>
    /// Nodes are node ids: two with one hostname may be one machine collected twice (its CPU and memory counted
    /// twice in the topology), or two machines both named `localhost`. Only the user knows which.
    /// </summary>
    private static void WarnSharedHostnames(IEnumerable<NodeDescription> nodes, Action<string> warn)
    {
        foreach (var group in nodes.Where(static n => n.Info is { Hostname.Length: > 0 }).GroupBy(static n => n.Info!.Value.Hostname, StringComparer.Ordinal))
        {
            var ids = group.Select(static n => n.NodeId).ToList();
            if (ids.Count < 2) continue;
            warn($"warning: nodes {string.Join(", ", ids.Select(static id => $"'{id}'"))} have the same hostname '{group.Key}': they count as {ids.Count} machines in nodes.json and the topology. If they are one machine collected under several --node-id values, convert them apart; if they are different machines, give them distinct hostnames or ignore this.");
        }
    }
}
