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
}
