namespace Tracekit.Collector.Recording;

/// <summary>
/// Where a run's files live (docs/ring-format.md, section 1):
/// <c>&lt;out&gt;/&lt;run&gt;/&lt;node&gt;/</c> holds the collector's segments and meta.json;
/// <c>control/</c> the running collector's registration and the pids folder `tracekit run` registers jobs in;
/// <c>streams/&lt;name&gt;/</c> the rings of other writers on the node (each `tracekit run`).
/// </summary>
public sealed class RunLayout
{
    public const UnixFileMode PrivateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public RunLayout(string outDirectory, string runId, string nodeId)
    {
        ValidateId(runId, "--run-id");
        ValidateId(nodeId, "--node-id");
        RunDirectory = Path.Combine(outDirectory, runId);
        NodeDirectory = Path.Combine(RunDirectory, nodeId);
    }

    public string RunDirectory { get; }
    public string NodeDirectory { get; }
    public string ControlDirectory => Path.Combine(NodeDirectory, "control");
    public string PidsDirectory => Path.Combine(ControlDirectory, "pids");
    public string CollectorRegistration => Path.Combine(ControlDirectory, "collector.json");
    public string MetaFile => Path.Combine(NodeDirectory, "meta.json");
    public string StreamDirectory(string name) => Path.Combine(NodeDirectory, "streams", name);

    /// <summary>Creates the run, node and control folders 0700 (the output folder itself is the user's).</summary>
    public void CreateDirectories()
    {
        foreach (var dir in new[] { RunDirectory, NodeDirectory, ControlDirectory, PidsDirectory, Path.Combine(NodeDirectory, "streams") })
        {
            Directory.CreateDirectory(dir, PrivateDirectoryMode);
            // CreateDirectory leaves an existing folder's mode alone; a run folder must never be readable by others.
            File.SetUnixFileMode(dir, PrivateDirectoryMode);
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
}
