using System.Text.Json;

namespace Tracekit.Contracts;

/// <summary>
/// One estimate of a node's clock against the cluster's (the Redis server's TIME): at local
/// <see cref="MonotonicNs"/>/<see cref="RealtimeNs"/>, cluster epoch ns = local epoch ns + <see cref="OffsetNs"/>,
/// true within ± <see cref="UncertaintyNs"/>.
/// </summary>
public readonly record struct ClusterClockSample(long MonotonicNs, long RealtimeNs, long OffsetNs, long UncertaintyNs);

/// <summary>
/// cluster.json in a node folder (docs/cluster.md): which nodes took part in the run (so any one node folder tells
/// the converter which folders to expect), whether that list is final (written at `tracekit cluster stop`), and the
/// node's clock offsets to the cluster clock. Written by the agent, read by the converter.
/// </summary>
public sealed record ClusterRecord(string RunId, string NodeId, IReadOnlyList<string> Members, bool Final, IReadOnlyList<ClusterClockSample> Clock)
{
    /// <summary>The estimate with the least uncertainty: the one the converter uses to put the node on the cluster clock.</summary>
    public ClusterClockSample? BestClock => Clock.Count == 0 ? null : Clock.MinBy(c => c.UncertaintyNs);

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Write(RunLayout layout)
    {
        layout.CreateDirectories();
        string tmp = layout.ClusterFile + ".tmp";
        using (var stream = new FileStream(tmp, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = RunLayout.PrivateFileMode }))
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("run_id", RunId);
            w.WriteString("node_id", NodeId);
            w.WriteBoolean("final", Final);
            w.WriteStartArray("members");
            foreach (var m in Members) w.WriteStringValue(m);
            w.WriteEndArray();
            w.WriteStartArray("clock");
            foreach (var c in Clock)
            {
                w.WriteStartObject();
                w.WriteNumber("monotonic_ns", c.MonotonicNs);
                w.WriteNumber("realtime_ns", c.RealtimeNs);
                w.WriteNumber("offset_ns", c.OffsetNs);
                w.WriteNumber("uncertainty_ns", c.UncertaintyNs);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        File.Move(tmp, layout.ClusterFile, overwrite: true);
    }

    /// <summary>Reads a node folder's cluster.json; null when there is none. A damaged file names itself.</summary>
    public static ClusterRecord? TryRead(string nodeDirectory)
    {
        string path = Path.Combine(nodeDirectory, RunLayout.ClusterFileName);
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            var members = root.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).ToList();
            var clock = root.GetProperty("clock").EnumerateArray().Select(c => new ClusterClockSample(
                c.GetProperty("monotonic_ns").GetInt64(), c.GetProperty("realtime_ns").GetInt64(),
                c.GetProperty("offset_ns").GetInt64(), c.GetProperty("uncertainty_ns").GetInt64())).ToList();
            return new ClusterRecord(root.GetProperty("run_id").GetString()!, root.GetProperty("node_id").GetString()!, members,
                root.GetProperty("final").GetBoolean(), clock);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path} is damaged ({e.Message}); it is written by `tracekit agent`, rewrite it with `tracekit cluster stop` or remove it");
        }
    }
}
