using Tracekit.Contracts;

namespace Tracekit.Convert.Reading;

/// <summary>The run folder a conversion reads (docs/cctf.md, "Input"): <see cref="RunLayout.DiscoverNodes"/>, or why there is nothing to read.</summary>
public static class RunInput
{
    /// <summary>Lists every node folder that holds at least one segment, sorted by node id.</summary>
    /// <exception cref="ConvertException">The folder does not exist, or holds no segment at all.</exception>
    public static IReadOnlyList<NodeSource> Discover(string runDirectory)
    {
        runDirectory = Path.GetFullPath(runDirectory);
        if (!Directory.Exists(runDirectory))
        {
            throw new ConvertException(ReturnCode.RunNotFound,
                File.Exists(runDirectory)
                    ? $"'{runDirectory}' is a file; --run-dir takes a run folder such as logs/<run-id>."
                    : $"Run folder '{runDirectory}' does not exist.");
        }

        var nodes = RunLayout.DiscoverNodes(runDirectory);
        if (nodes.Count == 0)
        {
            throw new ConvertException(ReturnCode.EmptyRun,
                $"Run folder '{runDirectory}' holds no ring segments: expected <node-id>/ring-000000.tkr (or <node-id>/streams/<name>/ring-*.tkr).");
        }

        return nodes;
    }

    /// <summary>
    /// <see cref="Discover"/>, then the membership check of a cluster run (docs/cluster.md): every node that a
    /// node folder's cluster.json lists must have a folder here. A missing one is an error naming it, or with
    /// <paramref name="salvage"/> a warning: never a silently smaller dataset.
    /// </summary>
    public static IReadOnlyList<NodeSource> DiscoverMembers(string runDirectory, bool salvage, Action<string> warn)
    {
        var nodes = Discover(runDirectory);
        var present = nodes.Select(n => n.NodeId).ToHashSet(StringComparer.Ordinal);
        var expected = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            try
            {
                if (ClusterRecord.TryRead(node.DirectoryPath) is { } record) expected.UnionWith(record.Members);
            }
            catch (InvalidDataException e)
            {
                throw new ConvertException(ReturnCode.CorruptRing, e.Message);
            }
        }
        expected.ExceptWith(present);
        foreach (string missing in expected)
        {
            string message = $"node '{missing}' took part in the run (cluster.json) but its folder {Path.Combine(runDirectory, missing)} is missing; copy it into the run folder";
            if (!salvage) throw new ConvertException(ReturnCode.MissingNode, message + ", or convert without it with --salvage.");
            warn("warning: " + message + "; converting without it (--salvage).");
        }
        return nodes;
    }
}
