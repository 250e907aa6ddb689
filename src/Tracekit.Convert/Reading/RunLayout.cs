using System.Globalization;
using Tracekit.Convert.Cli;

namespace Tracekit.Convert.Reading;

/// <summary>
/// One writer's ring: a folder of <c>ring-NNNNNN.tkr</c> segments. A node has the collector's stream (the node
/// folder itself) and one stream per <c>streams/&lt;name&gt;/</c> subfolder (written by <c>tracekit run</c>).
/// </summary>
/// <param name="Name"><c>collector</c> for the node folder, else <c>streams/&lt;name&gt;</c>.</param>
/// <param name="SegmentPaths">In segment-index order.</param>
public sealed record StreamSource(string NodeId, string Name, string DirectoryPath, IReadOnlyList<string> SegmentPaths);

/// <summary>A node folder of the run. <see cref="NodeId"/> is the folder name, which is unique in the run even
/// when two machines wrote the same id into their headers (say, two hosts called <c>localhost</c>).</summary>
public sealed record NodeSource(string NodeId, string DirectoryPath, IReadOnlyList<StreamSource> Streams);

/// <summary>Finds the nodes and streams of a run folder (docs/cctf.md, "Input").</summary>
public static class RunLayout
{
    public const string CollectorStreamName = "collector";
    public const string StreamsFolderName = "streams";

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

        var nodes = new List<NodeSource>();
        foreach (string nodeDir in Directory.EnumerateDirectories(runDirectory).Order(StringComparer.Ordinal))
        {
            string nodeId = Path.GetFileName(nodeDir);
            if (nodeId.StartsWith('.'))
            {
                continue;
            }

            var streams = new List<StreamSource>();
            AddStream(streams, nodeId, CollectorStreamName, nodeDir);
            string streamsDir = Path.Combine(nodeDir, StreamsFolderName);
            if (Directory.Exists(streamsDir))
            {
                foreach (string streamDir in Directory.EnumerateDirectories(streamsDir).Order(StringComparer.Ordinal))
                {
                    AddStream(streams, nodeId, StreamsFolderName + "/" + Path.GetFileName(streamDir), streamDir);
                }
            }

            // Folders without segments (the default cctf/ output, an opendc/ output) are not nodes.
            if (streams.Count > 0)
            {
                nodes.Add(new NodeSource(nodeId, nodeDir, streams));
            }
        }

        if (nodes.Count == 0)
        {
            throw new ConvertException(ReturnCode.EmptyRun,
                $"Run folder '{runDirectory}' holds no ring segments: expected <node-id>/ring-000000.tkr (or <node-id>/streams/<name>/ring-*.tkr).");
        }

        return nodes;
    }

    /// <summary>Segments sorted by their index number, not by name, so ring-1000000.tkr follows ring-999999.tkr.</summary>
    public static IReadOnlyList<string> FindSegments(string directory)
    {
        var found = new List<(long Index, string Path)>();
        foreach (string path in Directory.EnumerateFiles(directory, "ring-*.tkr"))
        {
            string digits = Path.GetFileNameWithoutExtension(path)["ring-".Length..];
            if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long index))
            {
                found.Add((index, path));
            }
        }

        found.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        return found.ConvertAll(static f => f.Path);
    }

    private static void AddStream(List<StreamSource> streams, string nodeId, string name, string directory)
    {
        var segments = FindSegments(directory);
        if (segments.Count > 0)
        {
            streams.Add(new StreamSource(nodeId, name, directory, segments));
        }
    }
}
