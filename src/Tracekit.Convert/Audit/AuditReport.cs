using System.Globalization;
using System.Text;
using Tracekit.Convert.Cctf;
using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Convert.Audit;

/// <summary>
/// Renders audit_report.md: what was converted, what was lost, and how far the times can be trusted. Every
/// section is present even when empty, so a reader (or a script) can rely on the headings.
/// </summary>
public static partial class AuditReport
{
    public static string Render(string runDirectory, IReadOnlyList<NodeAudit> nodes, IReadOnlyList<NodeDescription> descriptions)
    {
        var md = new StringBuilder();
        string run = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory)));
        md.Append("# Audit report: run ").AppendLine(run).AppendLine();
        Summary(md, nodes, descriptions);
        RecordsPerKind(md, nodes);
        Losses(md, nodes);
        Gaps(md, nodes);
        Clocks(md, nodes);
        Invocations(md, nodes);
        Cluster(md, nodes);
        DamageSection(md, runDirectory, nodes);
        return md.ToString();
    }

    private static void Summary(StringBuilder md, IReadOnlyList<NodeAudit> nodes, IReadOnlyList<NodeDescription> descriptions)
    {
        md.AppendLine("## Summary").AppendLine();
        md.AppendLine("| node | stage | streams | segments | records | first record (UTC) | last record (UTC) |");
        md.AppendLine("|---|---|---:|---:|---:|---|---|");
        for (int i = 0; i < nodes.Count; i++)
        {
            var n = nodes[i];
            md.Append(Inv($"| {n.NodeId} | {descriptions[i].Stage} | {n.Node.Streams.Count} | {n.Segments.Count} | {n.TotalRecords:N0} | "))
              .Append(n.TotalRecords > 0 ? Utc(n.FirstEpochMs) : "-").Append(" | ")
              .Append(n.TotalRecords > 0 ? Utc(n.LastEpochMs) : "-").AppendLine(" |");
        }

        md.AppendLine();
        foreach (var n in nodes)
        {
            foreach (var (stream, header) in n.StreamHeaders)
            {
                if (header.NodeId != n.NodeId)
                {
                    md.Append(Inv($"- Note: node folder '{n.NodeId}', stream '{stream}': the ring header names node '{header.NodeId}'. "))
                      .AppendLine("Rows use the folder name, which is unique in the run.");
                }
            }
        }

        md.AppendLine();
    }

    private static void RecordsPerKind(StringBuilder md, IReadOnlyList<NodeAudit> nodes)
    {
        md.AppendLine("## Records per kind and node").AppendLine();
        md.Append("| kind |");
        foreach (var n in nodes)
        {
            md.Append(' ').Append(n.NodeId).Append(" |");
        }

        md.AppendLine().Append("|---|").Append(string.Concat(Enumerable.Repeat("---:|", nodes.Count))).AppendLine();
        for (var kind = RecordKind.HostCpu; kind <= RecordKind.SelfReport; kind++)
        {
            md.Append("| ").Append(kind).Append(" |");
            foreach (var n in nodes)
            {
                md.Append(Inv($" {n.RecordsByKind[(int)kind]:N0} |"));
            }

            md.AppendLine();
        }

        md.Append("| unknown kinds (skipped) |");
        foreach (var n in nodes)
        {
            string detail = n.UnknownKinds.Count == 0 ? "0" : string.Join(", ", n.UnknownKinds.Select(static k => Inv($"kind {k.Key}: {k.Value:N0}")));
            md.Append(' ').Append(detail).Append(" |");
        }

        md.AppendLine().Append("| damaged records (skipped) |");
        foreach (var n in nodes)
        {
            md.Append(Inv($" {n.DamagedRecords:N0} |"));
        }

        md.AppendLine().AppendLine();
    }

    private static void Losses(StringBuilder md, IReadOnlyList<NodeAudit> nodes)
    {
        md.AppendLine("## Missed ticks, drops and overwritten records").AppendLine();
        md.AppendLine("Ticks and the collector's CPU come from each stream's last SelfReport (cumulative since its writer started). " +
            "Records written are the records read from the stream, which is what meta.json's records_written counts; dropped records " +
            "(refused by a full ring) and overwritten ones are the larger of the SelfReport's and the segment headers' counts, which " +
            "`tracekit status` and meta.json report too.").AppendLine();
        md.AppendLine("| node | stream | ticks | missed ticks | late ticks | max lateness | records written | dropped | overwritten | collector CPU |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var n in nodes)
        {
            foreach (var (stream, (r, context, reportEpochMs)) in n.SelfReports)
            {
                double cpuS = (r.CpuUserNs + r.CpuSystemNs) / 1e9;
                var headers = n.Segments.Where(s => s.Stream == stream && s.Header is not null).Select(static s => s.Header!).ToList();
                long dropped = Math.Max((long)r.RecordsDropped, headers.Sum(static h => h.DroppedRecords));
                long overwritten = Math.Max((long)r.RecordsOverwritten, headers.Sum(static h => h.OverwrittenRecords));
                md.AppendLine(Inv($"| {n.NodeId} | {stream} | {r.Ticks:N0} | {r.MissedTicks:N0} | {r.LateTicks:N0} | {Duration((long)r.MaxLatenessNs)} | {context.RecordsRead:N0} | {dropped:N0} | {overwritten:N0} | {cpuS:0.###} s |"));
                if (dropped > (long)r.RecordsDropped)
                {
                    md.AppendLine(Inv($"|  | {stream}: the ring filled after its last SelfReport ({Utc(reportEpochMs)}), so ticks and CPU stop there; meta.json has the final ones | | | | | | | | |"));
                }
            }

            if (n.SelfReports.Count == 0)
            {
                md.AppendLine(Inv($"| {n.NodeId} | - | no SelfReport record | | | | | | | |"));
            }
        }

        md.AppendLine();
        md.AppendLine("| node | stream | segments | policy | dropped (headers) | overwritten (headers) | closed cleanly | unreadable headers |");
        md.AppendLine("|---|---|---:|---|---:|---:|---|---:|");
        foreach (var n in nodes)
        {
            foreach (var group in n.Segments.GroupBy(static s => s.Stream))
            {
                var headers = group.Where(static s => s.Header is not null).Select(static s => s.Header!).ToList();
                string policy = headers.Count == 0 ? "-" : headers[0].Policy.ToString();
                bool closed = headers.Count > 0 && headers[^1].Closed;
                md.AppendLine(Inv($"| {n.NodeId} | {group.Key} | {group.Count()} | {policy} | {headers.Sum(static h => h.DroppedRecords):N0} | {headers.Sum(static h => h.OverwrittenRecords):N0} | {(closed ? "yes" : "no (crash or still running)")} | {group.Count(static s => s.Header is null)} |"));
            }
        }

        md.AppendLine();
    }

    private static void Gaps(StringBuilder md, IReadOnlyList<NodeAudit> nodes)
    {
        md.AppendLine("## Gaps in each series").AppendLine();
        md.AppendLine("A gap is an interval longer than twice the series' median interval (medians within 3%).").AppendLine();
        md.AppendLine("| node | series | samples | median interval | gaps | largest gaps (start UTC, length) |");
        md.AppendLine("|---|---|---:|---:|---:|---|");
        foreach (var n in nodes)
        {
            GapRow(md, n.NodeId, "host cpu (total)", n.HostCpu, n.HostCpu.MedianNs());
            GapRow(md, n.NodeId, "host memory", n.HostMemory, n.HostMemory.MedianNs());
            GapRow(md, n.NodeId, "network (per tick)", n.Network, n.Network.MedianNs());

            // A process is sampled once per tick: its expected interval is the host tick.
            long tickNs = n.HostCpu.MedianNs();
            var p = n.Processes.LargestGapPerProcess;
            long threshold = GapThresholdNs(tickNs);
            string largest = tickNs == 0 ? "(no host series to compare with)" : Largest(p.LargestAbove(threshold));
            md.AppendLine(Inv($"| {n.NodeId} | processes: largest gap of each ({n.Processes.Processes:N0} processes, {n.Processes.Samples:N0} samples) | {p.Count:N0} | {Duration(tickNs)} (host tick) | {(tickNs == 0 ? 0 : p.CountAbove(threshold)):N0} processes | {largest} |"));
        }

        md.AppendLine();
        foreach (var n in nodes.Where(static n => n.Processes.OutOfOrderSamples > 0 || n.Processes.CpuBaselineResets > 0))
        {
            md.AppendLine(Inv($"- {n.NodeId}: {n.Processes.OutOfOrderSamples:N0} process samples at or before the previous sample of the same process (skipped); {n.Processes.CpuBaselineResets:N0} CPU counter restarts (no window written)."));
        }

        md.AppendLine();
    }

    private static void GapRow(StringBuilder md, string node, string series, IntervalStats stats, long medianNs)
    {
        long threshold = GapThresholdNs(medianNs);
        md.AppendLine(Inv($"| {node} | {series} | {stats.Samples:N0} | {Duration(medianNs)} | {stats.CountAbove(threshold):N0} | {Largest(stats.LargestAbove(threshold))} |"));
    }

    /// <summary>
    /// A gap is an interval longer than 1.5× the expected one: one missed tick (2×) is always a gap, scheduling
    /// jitter never is. Twice the median would put a missed tick exactly on the threshold, where jitter decides.
    /// </summary>
    private static long GapThresholdNs(long expectedIntervalNs) => expectedIntervalNs + (expectedIntervalNs / 2);

    private static string Largest(IReadOnlyList<(long StartMs, long IntervalNs)> gaps) =>
        gaps.Count == 0 ? "-" : string.Join("; ", gaps.Take(5).Select(static g => $"{Utc(g.StartMs)}, {Duration(g.IntervalNs)}"));
}
