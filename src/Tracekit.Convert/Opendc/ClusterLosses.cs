using Tracekit.Convert.Reading;
using Tracekit.Format;

namespace Tracekit.Convert.Opendc;

/// <summary>
/// The attempts of cluster jobs that are not the job's task (docs/cluster.md), so that a job is one task, from the
/// attempt that was recorded: an attempt lost with its node (a <c>requeued</c> event, written by whichever agent
/// completed the job, names the job and the node that lost it: that node's unfinished invocation), and a
/// <c>duplicate</c> attempt (it ran after a lease expired and ended after the job was recorded; its event's time
/// is its end, so it is told from another attempt on the same node, which ran at least a lease earlier or later).
/// </summary>
internal sealed class ClusterLosses
{
    /// <summary>How far a duplicate's event may be from its invocation's end: far below the 3 s lease.</summary>
    public const long DuplicateMatchMs = 1000;

    public HashSet<(string JobId, string NodeId)> Lost { get; } = [];

    public Dictionary<(string JobId, string NodeId), List<long>> DuplicateEndsMs { get; } = [];

    public bool IsDuplicate(string jobId, string nodeId, long endEpochMs) =>
        DuplicateEndsMs.TryGetValue((jobId, nodeId), out var ends) && ends.Any(e => Math.Abs(e - endEpochMs) <= DuplicateMatchMs);

    public static ClusterLosses Read(IReadOnlyList<NodeSource> nodes, bool salvage)
    {
        var losses = new ClusterLosses();
        var ignored = new List<string>(); // the main pass reports damage; this one only looks for placements
        foreach (var node in nodes)
        {
            foreach (var stream in node.Streams.Where(s => s.Name.StartsWith(RunLayout.StreamsFolderName + "/agent-", StringComparison.Ordinal)))
            {
                using var cursor = new StreamCursor(ClusterClock.Context(node, stream), new OpendcReadObserver(node.NodeId, ignored), salvage);
                while (cursor.MoveNext(out var payload))
                {
                    if (cursor.Kind != RecordKind.Placement || !RecordDecoder.TryDecode(payload, out Placement p, out _)) continue;
                    if (p.Event == "requeued") losses.Lost.Add((p.InstanceId, p.NodeId));
                    else if (p.Event == "duplicate")
                    {
                        if (!losses.DuplicateEndsMs.TryGetValue((p.InstanceId, p.NodeId), out var ends)) losses.DuplicateEndsMs[(p.InstanceId, p.NodeId)] = ends = [];
                        ends.Add(cursor.EpochMs);
                    }
                }
            }
        }
        return losses;
    }
}
