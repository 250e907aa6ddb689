using System.Text.Json;
using Tracekit.Procfs;

namespace Tracekit.Collector.Recording;

/// <summary>
/// control/collector.json: which process collects this run on this node, so `tracekit stop` signals the right
/// process (PID plus start time, checked against /proc before any signal is sent) and `tracekit run` knows a
/// collector is there. It also carries the count of processes the collector could not read, which has no field in
/// the ring's SelfReport: `tracekit status` reads it here while the collector runs.
/// </summary>
public static class CollectorRegistration
{
    public sealed record Entry(int Pid, ulong StartTicks, long IntervalNs);

    /// <summary>Writes (or rewrites, atomically) the registration; the collector rewrites it when the count changes.</summary>
    public static void Write(RunLayout layout, Sampling.CollectSettings settings, long accessDeniedProcesses)
    {
        int pid = Environment.ProcessId;
        ulong startTicks = ProcessIdentity.TryReadStartTicks(pid, out var t) ? t : 0;
        var tmp = layout.CollectorRegistration + ".tmp";
        using (var stream = new FileStream(tmp, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = RunLayout.PrivateFileMode }))
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("pid", pid);
            w.WriteNumber("start_ticks", startTicks);
            w.WriteNumber("interval_ns", settings.IntervalNs);
            w.WriteNumber("access_denied_processes", accessDeniedProcesses);
            w.WriteEndObject();
        }
        // Rename is atomic: a reader sees the old file, no file, or the whole new one.
        File.Move(tmp, layout.CollectorRegistration, overwrite: true);
    }

    public static void Remove(RunLayout layout)
    {
        try { File.Delete(layout.CollectorRegistration); } catch (IOException) { }
    }

    /// <summary>
    /// The count of unreadable processes last published, whether or not the collector still runs (a killed collector
    /// leaves its registration behind); null without a registration.
    /// </summary>
    public static long? TryReadAccessDeniedProcesses(RunLayout layout) => TryReadAccessDeniedProcesses(layout.CollectorRegistration);

    /// <summary>
    /// <c>access_denied_processes</c> of a JSON file the collector wrote (its registration, or meta.json at the end);
    /// null when the file is absent, unreadable or from a collector that did not write it.
    /// </summary>
    public static long? TryReadAccessDeniedProcesses(string jsonPath)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(jsonPath));
            return doc.RootElement.TryGetProperty("access_denied_processes", out var count) ? count.GetInt64() : null;
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The registered collector if that process still runs (same PID and start time).</summary>
    public static Entry? ReadLive(RunLayout layout)
    {
        Entry? entry;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(layout.CollectorRegistration));
            var root = doc.RootElement;
            entry = new Entry(root.GetProperty("pid").GetInt32(), root.GetProperty("start_ticks").GetUInt64(), root.GetProperty("interval_ns").GetInt64());
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }
        return ProcessIdentity.TryReadStartTicks(entry.Pid, out var ticks) && ticks == entry.StartTicks ? entry : null;
    }
}
