using Tracekit.Convert.Reading;
using Tracekit.Format;

namespace Tracekit.Convert.Opendc;

/// <summary>
/// The attempts of cluster jobs that are not the job's task (docs/cluster.md), so that a job is one task, from the
/// attempt that was recorded: an attempt lost with its node (a <c>requeued</c> event, written by whichever agent
/// completed the job, names the job and the node that lost it: that node's unfinished invocation), and a
/// <c>duplicate</c> attempt (it ran after a lease expired and ended after the job was recorded; its event's time
/// is its end, so it is told from another attempt on the same node, which ran at least a lease earlier or later),
/// and an <c>abandoned</c> attempt (taken back by a requeue and stopped by its agent's fencing, or failed: its event's
/// time is its end too, and it ended non-zero, which tells it from the job's next attempt on the same node, which
/// may follow within a second once the node is back).
/// </summary>
internal sealed class ClusterLosses
{
    /// <summary>How far a duplicate's event may be from its invocation's end: far below the 3 s lease.</summary>
    public const long DuplicateMatchMs = 1000;

    public HashSet<(string JobId, string NodeId)> Lost { get; } = [];

    public Dictionary<(string JobId, string NodeId), List<long>> DuplicateEndsMs { get; } = [];

    public Dictionary<(string JobId, string NodeId), List<long>> AbandonedEndsMs { get; } = [];

    /// <summary>Whether the attempt of <paramref name="jobId"/> that ended on <paramref name="nodeId"/> at this time, with this exit status, is not the job's task.</summary>
    public bool IsNotTheTask(string jobId, string nodeId, long endEpochMs, int? exitStatus) =>
        Near(DuplicateEndsMs, jobId, nodeId, endEpochMs) || (exitStatus is not 0 && Near(AbandonedEndsMs, jobId, nodeId, endEpochMs));

    private static bool Near(Dictionary<(string, string), List<long>> endsMs, string jobId, string nodeId, long endEpochMs) =>
        endsMs.TryGetValue((jobId, nodeId), out var ends) && ends.Any(e => Math.Abs(e - endEpochMs) <= DuplicateMatchMs);

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
                    else if (p.Event is "duplicate" or "abandoned")
                    {
                        var byAttempt = p.Event == "duplicate" ? losses.DuplicateEndsMs : losses.AbandonedEndsMs;
                        if (!byAttempt.TryGetValue((p.InstanceId, p.NodeId), out var ends)) byAttempt[(p.InstanceId, p.NodeId)] = ends = [];
                        ends.Add(cursor.EpochMs);
                    }
                }
            }
        }
        return losses;
    }
}
