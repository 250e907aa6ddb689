using Tracekit.Ring;

namespace Tracekit.Contracts;

/// <summary>
/// The run folder (docs/ring-format.md, section 1), one model for every command that writes or reads it:
/// <c>&lt;out&gt;/&lt;run&gt;/&lt;node&gt;/</c> holds the collector's segments and meta.json;
/// <c>control/</c> the running collector's registration and the pids folder `tracekit run` registers jobs in;
/// <c>streams/&lt;name&gt;/</c> the rings of other writers on the node (each `tracekit run`, `tracekit load`,
/// the converter's imports) and the .NET captures. A run holds one such folder per node.
/// </summary>
public sealed class RunLayout
{
    public const UnixFileMode PrivateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const string StreamsFolderName = "streams";
    public const string ControlFolderName = "control";
    public const string PidsFolderName = "pids";
    public const string CollectorRegistrationFileName = "collector.json";
    public const string MetaFileName = "meta.json";
    public const string ClusterFileName = "cluster.json";

    /// <summary>The name of the node folder's own stream (the collector's segments) among a node's streams.</summary>
    public const string CollectorStreamName = "collector";

    public RunLayout(string outDirectory, string runId, string nodeId)
    {
        ValidateId(runId, "--run-id");
        ValidateId(nodeId, "--node-id");
        RunDirectory = Path.Combine(outDirectory, runId);
        NodeDirectory = Path.Combine(RunDirectory, nodeId);
    }

    public string RunDirectory { get; }
    public string NodeDirectory { get; }
    public string ControlDirectory => Path.Combine(NodeDirectory, ControlFolderName);
    public string PidsDirectory => Path.Combine(ControlDirectory, PidsFolderName);
    public string CollectorRegistration => Path.Combine(ControlDirectory, CollectorRegistrationFileName);
    public string MetaFile => Path.Combine(NodeDirectory, MetaFileName);
    /// <summary>cluster.json: the run's membership and this node's offsets to the cluster clock (docs/cluster.md).</summary>
    public string ClusterFile => Path.Combine(NodeDirectory, ClusterFileName);
    public string StreamsDirectory => Path.Combine(NodeDirectory, StreamsFolderName);
    public string StreamDirectory(string name) => Path.Combine(StreamsDirectory, name);

    /// <summary>The collector's segments of this node, by index.</summary>
    public IReadOnlyList<string> CollectorSegments() =>
        Directory.Exists(NodeDirectory) ? RingSegmentFiles.Find(NodeDirectory) : [];

    /// <summary>Creates the run, node and control folders 0700 (the output folder itself is the user's).</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // folder modes
    public void CreateDirectories()
    {
        foreach (var dir in new[] { RunDirectory, NodeDirectory, ControlDirectory, PidsDirectory, StreamsDirectory })
        {
            Directory.CreateDirectory(dir, PrivateDirectoryMode);
            // CreateDirectory leaves an existing folder's mode alone; a run folder must never be readable by others.
            // Only a wrong mode is changed: a folder already private may belong to another process of the run.
            if (File.GetUnixFileMode(dir) != PrivateDirectoryMode) File.SetUnixFileMode(dir, PrivateDirectoryMode);
        }
    }

    /// <summary>Ids become folder names: no separators, no dot-dot, nothing a shell or a path could misread.</summary>
    public static void ValidateId(string id, string flag)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 63 || id is "." or ".." ||
            id.AsSpan().IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") >= 0)
        {
            throw new ArgumentException($"{flag} '{id}' is not valid: use 1 to 63 letters, digits, '.', '_' or '-'");
        }
    }

    /// <summary>
    /// The nodes of a run folder and their streams, sorted by node id: every folder that holds at least one segment
    /// (itself or under streams/). Folders without segments (a converter's cctf/ or opendc/ output) and hidden ones
    /// are not nodes. Empty when the folder holds none.
    /// </summary>
    public static IReadOnlyList<NodeSource> DiscoverNodes(string runDirectory)
    {
        var nodes = new List<NodeSource>();
        foreach (string nodeDir in Directory.EnumerateDirectories(runDirectory).Order(StringComparer.Ordinal))
        {
            string nodeId = Path.GetFileName(nodeDir);
            if (nodeId.StartsWith('.')) continue;

            var streams = new List<StreamSource>();
            AddStream(streams, nodeId, CollectorStreamName, nodeDir);
            string streamsDir = Path.Combine(nodeDir, StreamsFolderName);
            if (Directory.Exists(streamsDir))
            {
                foreach (string streamDir in Directory.EnumerateDirectories(streamsDir).Order(StringComparer.Ordinal))
                    AddStream(streams, nodeId, StreamsFolderName + "/" + Path.GetFileName(streamDir), streamDir);
            }
            if (streams.Count > 0) nodes.Add(new NodeSource(nodeId, nodeDir, streams));
        }
        return nodes;
    }

    /// <summary>A stream of a node folder that is not one of <see cref="DiscoverNodes"/>'s (a .NET capture's decoded ring).</summary>
    public static StreamSource Stream(string nodeId, string name, string directory) => new(nodeId, name, directory, RingSegmentFiles.Find(directory));

    private static void AddStream(List<StreamSource> streams, string nodeId, string name, string directory)
    {
        var stream = Stream(nodeId, name, directory);
        if (stream.SegmentPaths.Count > 0) streams.Add(stream);
    }
}

/// <summary>
/// One writer's ring: a folder of segments. A node has the collector's stream (the node folder itself) and one
/// stream per <c>streams/&lt;name&gt;/</c> subfolder.
/// </summary>
/// <param name="Name"><c>collector</c> for the node folder, else <c>streams/&lt;name&gt;</c>.</param>
/// <param name="SegmentPaths">In segment-index order.</param>
public sealed record StreamSource(string NodeId, string Name, string DirectoryPath, IReadOnlyList<string> SegmentPaths);

/// <summary>A node folder of the run. <see cref="NodeId"/> is the folder name, which is unique in the run even
/// when two machines wrote the same id into their headers (say, two hosts called <c>localhost</c>).</summary>
public sealed record NodeSource(string NodeId, string DirectoryPath, IReadOnlyList<StreamSource> Streams);
