using System.Text;

namespace Tracekit.Convert.Audit;

// The cluster section: per node, its jobs' waits and its offset to the cluster clock.
public static partial class AuditReport
{
    private static void Cluster(StringBuilder md, IReadOnlyList<NodeAudit> nodes)
    {
        var records = nodes.Select(n => (Node: n, Record: TryReadCluster(n))).ToList();
        if (records.All(r => r.Record is null && r.Node.Cluster.WaitsMs.Count == 0)) return;
        md.AppendLine("## Cluster").AppendLine();
        md.AppendLine("Wait = started − queued (the submit time), per job, on the node that started it. The clock offset is the node's ");
        md.AppendLine("clock against the cluster's (Redis TIME), the estimate with the least uncertainty in its cluster.json (docs/cluster.md).").AppendLine();
        md.AppendLine("| node | jobs started | wait p50 (ms) | wait p90 (ms) | wait p99 (ms) | wait max (ms) | clock offset (ms) | members |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---|---|");
        foreach (var (node, record) in records)
        {
            var c = node.Cluster;
            string offset = record?.BestClock is { } clock ? Inv($"{clock.OffsetNs / 1e6:F3} ± {clock.UncertaintyNs / 1e6:F3}") : "-";
            string members = record is null ? "-" : string.Join(", ", record.Members) + (record.Final ? "" : " (not final)");
            md.Append(Inv($"| {node.NodeId} | {c.WaitsMs.Count} | {Ms(c.WaitQuantileMs(0.5))} | {Ms(c.WaitQuantileMs(0.9))} | {Ms(c.WaitQuantileMs(0.99))} | {Ms(c.WaitQuantileMs(1))} | "))
              .Append(offset).Append(" | ").Append(members).AppendLine(" |");
        }
        md.AppendLine();
    }

    private static string Ms(long? value) => value is long v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-";

    private static ClusterRecord? TryReadCluster(NodeAudit node)
    {
        try { return ClusterRecord.TryRead(node.Node.DirectoryPath); }
        catch (InvalidDataException) { return null; } // the membership check already failed the conversion or warned
    }
}
