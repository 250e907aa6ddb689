using System.Text.Json;
using Tracekit.Collector.Sampling;

namespace Tracekit.Collector.Recording;

/// <summary>
/// meta.json: a small description of the node folder for people and tools (segments, settings, final counters).
/// Readers never need it: every fact needed to decode is in the segment headers and records.
/// </summary>
public static class RunMetadata
{
    public static void Write(RunLayout layout, CollectSettings settings, CollectSession session)
    {
        var tmp = layout.MetaFile + ".tmp";
        using (var stream = new FileStream(tmp, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = RunLayout.PrivateFileMode }))
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("format_version", 1);
            w.WriteString("run_id", settings.RunId);
            w.WriteString("node_id", settings.NodeId);
            w.WriteString("stage", settings.Stage);
            w.WriteNumber("interval_ns", settings.IntervalNs);
            w.WriteNumber("host_interval_ns", settings.HostIntervalNs);
            w.WriteBoolean("realtime_sampling", session.IsRealtime);
            w.WriteString("policy", settings.Policy.ToString());
            w.WriteNumber("ring_size_bytes", settings.RingSizeInBytes);
            w.WriteNumber("max_size_bytes", settings.MaxSizeInBytes);
            w.WriteStartArray("segments");
            foreach (var f in layout.CollectorSegments())
                w.WriteStringValue(Path.GetFileName(f));
            w.WriteEndArray();
            if (session.Schedule is { } s)
            {
                w.WriteNumber("first_tick_monotonic_ns", session.FirstTickMonotonicNs);
                w.WriteNumber("ticks", s.Ticks);
                w.WriteNumber("missed_ticks", s.MissedTicks);
                w.WriteNumber("late_ticks", s.LateTicks);
                w.WriteNumber("max_lateness_ns", s.MaxLatenessNs);
                w.WriteNumber("p99_lateness_ns", session.Lateness.QuantileNs(0.99));
            }
            // Evidence for "a tick allocates nothing": collections during the whole run (startup included).
            w.WriteNumber("gc_collections", GC.CollectionCount(0));
            w.WriteNumber("allocated_bytes", GC.GetTotalAllocatedBytes());
            w.WriteNumber("records_written", session.RecordsWritten);
            w.WriteNumber("records_dropped", session.RecordsDropped);
            if (session.Ring.FullReason is { } full) w.WriteString("ring_full_reason", full); else w.WriteNull("ring_full_reason");
            w.WriteNumber("records_overwritten", session.Ring.OverwrittenRecords);
            w.WriteNumber("access_denied_processes", session.AccessDeniedProcesses);
            w.WriteEndObject();
        }
        File.Move(tmp, layout.MetaFile, overwrite: true);
    }
}
