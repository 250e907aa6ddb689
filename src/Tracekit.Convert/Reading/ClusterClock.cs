namespace Tracekit.Convert.Reading;

/// <summary>
/// A node's offset to the cluster clock (docs/cluster.md, "One clock"): the estimate with the least uncertainty in
/// its cluster.json. Every time read from the node's streams is shifted by it, so the nodes of a cluster run share
/// one timeline; a run without cluster.json keeps each node's own clock (offset 0).
/// </summary>
public static class ClusterClock
{
    public static long OffsetNs(NodeSource node)
    {
        try { return ClusterRecord.TryRead(node.DirectoryPath)?.BestClock?.OffsetNs ?? 0; }
        catch (InvalidDataException) { return 0; } // the membership check already failed the conversion or warned
    }

    /// <summary>A context for one of <paramref name="node"/>'s streams, on the cluster clock when the run has one.</summary>
    public static StreamContext Context(NodeSource node, StreamSource stream) => new(stream, string.Empty, OffsetNs(node));
}
