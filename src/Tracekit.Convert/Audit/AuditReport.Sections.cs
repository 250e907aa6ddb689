using System.Globalization;
using System.Text;
using Tracekit.Ring;

namespace Tracekit.Convert.Audit;

// Clock, invocation and damage sections, and the formatting helpers.
public static partial class AuditReport
{
    private static void Clocks(StringBuilder md, IReadOnlyList<NodeAudit> nodes)
    {
        md.AppendLine("## Clock uncertainty").AppendLine();
        md.AppendLine("From the clock anchors (ClockAnchor records and segment headers): adjtimex(2) as the collector saw it. ");
        md.AppendLine("maxerror bounds how far the node's clock may be from UTC; the step is the largest change of realtime − monotonic between consecutive anchors of one stream and source (NTP slewing, or a clock step).").AppendLine();
        md.AppendLine("| node | anchors (records + headers) | latest sync state | unsynchronized anchors | maxerror latest | maxerror worst | esterror latest | offset latest | largest step |");
        md.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var n in nodes)
        {
            var c = n.Clock;
            md.AppendLine(Inv($"| {n.NodeId} | {c.RecordAnchors:N0} + {c.HeaderAnchors:N0} | {SyncState(c.LatestSyncState, c.LatestStatus)} | {c.UnsynchronizedAnchors:N0} | {OptDuration(c.LatestMaxErrorNs)} | {(c.MaxErrorNsWorst < 0 ? "-" : Duration(c.MaxErrorNsWorst))} | {OptDuration(c.LatestEstErrorNs)} | {OptDuration(c.LatestOffsetNs)} | {Duration(c.LargestStepNs)} |"));
        }

        md.AppendLine();
        md.AppendLine("Between nodes: two clocks each within its maxerror of UTC disagree by at most the sum of the two (worst values).").AppendLine();
        if (nodes.Count < 2)
        {
            md.AppendLine("One node: no cross-node bound.").AppendLine();
            return;
        }

        // timex.offset is what each kernel still has to correct towards its time source: the spread of the latest
        // offsets is a rough figure of how far the clocks disagree now, next to the worst-case bound below.
        var offsets = nodes.Where(static n => n.Clock.LatestOffsetNs is not null)
            .Select(static n => (n.NodeId, OffsetNs: n.Clock.LatestOffsetNs!.Value)).OrderBy(static o => o.OffsetNs).ToList();
        if (offsets.Count >= 2)
        {
            md.AppendLine(Inv($"Latest NTP offsets: from {Duration(offsets[0].OffsetNs)} ({offsets[0].NodeId}) to {Duration(offsets[^1].OffsetNs)} ({offsets[^1].NodeId}): a spread of {Duration(offsets[^1].OffsetNs - offsets[0].OffsetNs)}.")).AppendLine();
        }

        var pairs = new List<(string A, string B, long? BoundNs)>();
        for (int i = 0; i < nodes.Count; i++)
        {
            for (int j = i + 1; j < nodes.Count; j++)
            {
                pairs.Add((nodes[i].NodeId, nodes[j].NodeId, PairBound(nodes[i].Clock, nodes[j].Clock)));
            }
        }

        md.AppendLine("| node | node | worst-case disagreement |");
        md.AppendLine("|---|---|---:|");
        foreach (var (a, b, bound) in pairs.OrderByDescending(static p => p.BoundNs ?? long.MaxValue).Take(20))
        {
            md.AppendLine(Inv($"| {a} | {b} | {(bound is long ns ? Duration(ns) : "unbounded (a clock was unsynchronized or unknown)")} |"));
        }

        if (pairs.Count > 20)
        {
            md.AppendLine(Inv($"| … | … | {pairs.Count - 20} smaller pairs not listed |"));
        }

        md.AppendLine();
    }

    private static long? PairBound(ClockAudit a, ClockAudit b)
    {
        bool known = a.MaxErrorNsWorst >= 0 && b.MaxErrorNsWorst >= 0 && a.UnsynchronizedAnchors == 0 && b.UnsynchronizedAnchors == 0;
        return known ? a.MaxErrorNsWorst + b.MaxErrorNsWorst : null;
    }

    private static void Invocations(StringBuilder md, IReadOnlyList<NodeAudit> nodes)
    {
        md.AppendLine("## Invocations").AppendLine();
        md.AppendLine("Joined to process samples: the invocation names a pid and at least one ProcessSample of that pid falls between its start and end.").AppendLine();
        md.AppendLine("| node | starts | ends | joined start+end | unfinished (ts_end null) | ends without start | duplicate starts | with pid | joined to process samples |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var n in nodes)
        {
            var i = n.Invocations;
            string share = i.WithPid == 0 ? "- (no pid)" : Inv($"{i.WithProcessSamples:N0} ({100.0 * i.WithProcessSamples / i.WithPid:0.#}%)");
            md.AppendLine(Inv($"| {n.NodeId} | {i.Starts:N0} | {i.Ends:N0} | {i.Joined:N0} | {i.Unfinished:N0} | {i.EndsWithoutStart:N0} | {i.DuplicateStarts:N0} | {i.WithPid:N0} | {share} |"));
        }

        md.AppendLine();
        SampledInvocations(md, nodes);
    }

    /// <summary>Sampled sources record a share of the requests: the counts above are recorded ones, scaled here.</summary>
    private static void SampledInvocations(StringBuilder md, IReadOnlyList<NodeAudit> nodes)
    {
        if (nodes.All(static n => n.Invocations.SampledStarts == 0)) return;
        md.AppendLine("Sampled requests: some invocations were recorded by a sampling source (`--dotnet-request-sample`), so the counts above are the recorded ones. Scaled by 1 / sampleRatio they stand for:").AppendLine();
        foreach (var n in nodes.Where(static n => n.Invocations.SampledStarts > 0))
        {
            var i = n.Invocations;
            md.AppendLine(Inv($"- {n.NodeId}: {i.SampledStarts:N0} of {i.Starts:N0} starts were sampled; scaled, the {i.Starts:N0} starts stand for ~{Math.Round(i.EstimatedStarts):N0} requests (estimate)."));
        }

        md.AppendLine();
    }

    private static void DamageSection(StringBuilder md, string runDirectory, IReadOnlyList<NodeAudit> nodes)
    {
        md.AppendLine("## Damage found in the rings").AppendLine();
        md.AppendLine("Nothing in a damaged range was converted. Torn tails and uncommitted gaps are normal after a crash; corruption is not.").AppendLine();
        md.AppendLine("| node | torn tail | uncommitted | corrupt | damaged records |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var n in nodes)
        {
            md.AppendLine(Inv($"| {n.NodeId} | {Ranges(n, RingDamageKind.TornTail)} | {Ranges(n, RingDamageKind.Uncommitted)} | {Ranges(n, RingDamageKind.Corrupt)} | {n.DamagedRecords:N0} |"));
        }

        md.AppendLine();
        string root = Path.GetFullPath(runDirectory);
        foreach (var n in nodes)
        {
            foreach (var d in n.Damage)
            {
                md.AppendLine(Inv($"- {n.NodeId}: {d.Kind} in `{Path.GetRelativePath(root, d.FilePath)}` at offset {d.FileOffset} ({d.LengthInBytes:N0} bytes): {d.Message}"));
            }

            long unlisted = n.DamageCountByKind.Sum() - n.Damage.Count;
            if (unlisted > 0)
            {
                md.AppendLine(Inv($"- {n.NodeId}: {unlisted:N0} more damaged ranges not listed."));
            }

            foreach (var (path, offset, error) in n.DamagedRecordList)
            {
                md.AppendLine(Inv($"- {n.NodeId}: damaged record in `{Path.GetRelativePath(root, path)}`, frame at offset {offset}: payload byte {error.Offset}: {error.Message}"));
            }

            if (n.DamagedRecords > n.DamagedRecordList.Count)
            {
                md.AppendLine(Inv($"- {n.NodeId}: {n.DamagedRecords - n.DamagedRecordList.Count:N0} more damaged records not listed."));
            }
        }

        md.AppendLine();
    }

    private static string Ranges(NodeAudit n, RingDamageKind kind) =>
        Inv($"{n.DamageCountByKind[(int)kind]:N0} ({n.DamageBytesByKind[(int)kind]:N0} bytes)");

    private static string SyncState(int? state, int? status)
    {
        if (state is not int s)
        {
            return "-";
        }

        string name = s switch
        {
            -1 => "unknown",
            0 => "TIME_OK",
            1 => "TIME_INS",
            2 => "TIME_DEL",
            3 => "TIME_OOP",
            4 => "TIME_WAIT",
            5 => "TIME_ERROR",
            _ => Inv($"state {s}"),
        };
        return ((status ?? 0) & ClockAudit.StaUnsync) != 0 ? name + ", STA_UNSYNC" : name;
    }

    private static string OptDuration(long? ns) => ns is long v ? Duration(v) : "-";

    /// <summary>A duration with a unit that keeps it readable: ns, µs, ms or s.</summary>
    public static string Duration(long ns)
    {
        long magnitude = Math.Abs(ns);
        return magnitude switch
        {
            < 1_000 => Inv($"{ns} ns"),
            < 1_000_000 => Inv($"{ns / 1e3:0.###} µs"),
            < 1_000_000_000 => Inv($"{ns / 1e6:0.###} ms"),
            _ => Inv($"{ns / 1e9:0.###} s"),
        };
    }

    public static string Utc(long epochMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(epochMs, -62135596800000, 253402300799999))
            .ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
