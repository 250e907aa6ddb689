using System.CommandLine;
using System.Text.Json;
using Tracekit.Collector.Recording;
using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Collector.Cli;

internal static class StatusCommand
{
    private static readonly Option<string> RunIdOption = CommonOptions.RunId();
    private static readonly Option<string> OutOption = CommonOptions.Out();
    private static readonly Option<string> NodeIdOption = CommonOptions.NodeId();
    private static readonly Option<bool> JsonOption = CommonOptions.Json();

    public static Command Create()
    {
        var command = new Command("status", "Show a collection's counters: records, drops, ticks, the collector's own CPU. Works during and after the run.")
        {
            RunIdOption, OutOption, NodeIdOption, JsonOption,
        };
        command.SetAction(parse =>
        {
            try
            {
                var layout = new RunLayout(parse.GetValue(OutOption)!, parse.GetValue(RunIdOption)!, parse.GetValue(NodeIdOption)!);
                var status = CollectionStatus.Read(layout);
                if (status is null)
                {
                    Console.Error.WriteLine($"tracekit status: no collection found in {layout.NodeDirectory}");
                    return (int)ReturnCode.RunNotFound;
                }
                Console.Out.Write(parse.GetValue(JsonOption) ? status.ToJson() : status.ToText());
                return (int)ReturnCode.Ok;
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"tracekit status: {e.Message}");
                return (int)ReturnCode.ArgumentError;
            }
            catch (RingFormatException e)
            {
                Console.Error.WriteLine($"tracekit status: {e.Message}");
                return (int)ReturnCode.OutputError;
            }
        });
        return command;
    }
}

/// <summary>The counters `tracekit status` prints: the run's totals from meta.json, or the latest SelfReport's.</summary>
internal readonly record struct StatusCounters(long RecordsWritten, long RecordsDropped, long RecordsOverwritten, long Ticks, long MissedTicks, long LateTicks, long MaxLatenessNs)
{
    /// <summary>The totals meta.json holds once the collector exited; null while it runs or when it died first.</summary>
    public static StatusCounters? TryReadMeta(string metaFile)
    {
        try
        {
            using var meta = JsonDocument.Parse(File.ReadAllText(metaFile));
            var root = meta.RootElement;
            return new StatusCounters(
                root.GetProperty("records_written").GetInt64(), root.GetProperty("records_dropped").GetInt64(),
                root.GetProperty("records_overwritten").GetInt64(), root.GetProperty("ticks").GetInt64(),
                root.GetProperty("missed_ticks").GetInt64(), root.GetProperty("late_ticks").GetInt64(),
                root.GetProperty("max_lateness_ns").GetInt64());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}

/// <summary>
/// What `tracekit status` reports, read from the segment headers and the latest SelfReport record; once the run
/// ended, the totals from meta.json (a full ring refuses the final SelfReport, so the ring's may be stale); the
/// count of unreadable processes, which SelfReport has no field for, from meta.json or else the registration.
/// </summary>
internal sealed record CollectionStatus(
    string NodeDirectory, bool Running, int? CollectorPid, int Segments, long SegmentBytes,
    SelfReport? Latest, long DroppedInHeaders, long OverwrittenInHeaders, double? CollectorCpuPercent, bool ClosedCleanly,
    long? AccessDeniedProcesses, StatusCounters? Final = null)
{
    /// <summary>The run's totals once it ended, else the latest SelfReport's (drops also from the segment header).</summary>
    public StatusCounters? Counters => Final ?? (Latest is { } r
        ? new StatusCounters((long)r.RecordsWritten, Math.Max((long)r.RecordsDropped, DroppedInHeaders), Math.Max((long)r.RecordsOverwritten, OverwrittenInHeaders),
            (long)r.Ticks, (long)r.MissedTicks, (long)r.LateTicks, (long)r.MaxLatenessNs)
        : null);

    public static CollectionStatus? Read(RunLayout layout)
    {
        if (!Directory.Exists(layout.NodeDirectory)) return null;
        var segments = layout.CollectorSegments();
        if (segments.Count == 0) return null;

        long createdMonotonicNs;
        using (var first = RingReader.Open(segments[0])) createdMonotonicNs = first.Header.CreatedMonotonicNs;

        SelfReport? latest = null;
        long dropped, overwritten;
        bool closed;
        // The latest SelfReport is normally in the last segment: no need to read the whole run. It is not there
        // when the segment was just opened, or when a full no-loss ring dropped it: then look one segment further
        // back (a reader opened on a segment continues through the later ones).
        for (int i = segments.Count - 1; i >= 0 && latest is null; i--)
        {
            using var reader = RingReader.Open(segments[i]);
            while (reader.TryRead(out var payload) == RingReadStatus.Record)
            {
                if (RecordDecoder.TryReadHeader(payload, out var kind, out _, out _) && kind == RecordKind.SelfReport &&
                    RecordDecoder.TryDecode(payload, out SelfReport report, out _))
                    latest = report;
            }
        }
        using (var last = RingReader.Open(segments[^1]))
        {
            dropped = last.Header.DroppedRecords;
            overwritten = last.Header.OverwrittenRecords;
            closed = last.Header.Closed;
        }

        double? cpuPercent = null;
        if (latest is { } r && (long)r.TimestampNs > createdMonotonicNs)
            cpuPercent = 100.0 * (r.CpuUserNs + r.CpuSystemNs) / ((long)r.TimestampNs - createdMonotonicNs);
        var live = CollectorRegistration.ReadLive(layout);
        return new CollectionStatus(layout.NodeDirectory, live is not null, live?.Pid, segments.Count,
            segments.Sum(s => new FileInfo(s).Length), latest, dropped, overwritten, cpuPercent, closed,
            // The final count once the run ended (meta.json), else the last one the running collector published.
            CollectorRegistration.TryReadAccessDeniedProcesses(layout.MetaFile) ?? CollectorRegistration.TryReadAccessDeniedProcesses(layout),
            live is null ? StatusCounters.TryReadMeta(layout.MetaFile) : null);
    }

    public string ToText()
    {
        var w = new StringWriter();
        w.WriteLine($"collection: {NodeDirectory}");
        w.WriteLine($"state: {(Running ? $"running (pid {CollectorPid})" : ClosedCleanly ? "stopped (closed cleanly)" : "not running (ring not closed: the collector died or was killed)")}");
        w.WriteLine($"segments: {Segments} ({SegmentBytes / (1024.0 * 1024.0):0.#} MiB on disk)");
        if (Counters is { } c)
        {
            w.WriteLine($"records: {c.RecordsWritten} written, {c.RecordsDropped} dropped, {c.RecordsOverwritten} overwritten");
            w.WriteLine($"ticks: {c.Ticks} taken, {c.MissedTicks} missed, {c.LateTicks} late (max lateness {c.MaxLatenessNs / 1e6:0.###} ms)");
        }
        if (Latest is { } r)
        {
            w.WriteLine($"collector: {CollectorCpuPercent:0.###}% of one core, RSS {r.RssKb / 1024.0:0.#} MiB");
        }
        if (Counters is null)
        {
            w.WriteLine($"records: {DroppedInHeaders} dropped, {OverwrittenInHeaders} overwritten (no self-report yet: the collector writes one per second)");
        }
        if (AccessDeniedProcesses is { } denied)
            w.WriteLine($"processes skipped: {denied} (permission denied: other users' processes or hidepid)");
        return w.ToString();
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("node_directory", NodeDirectory);
            w.WriteBoolean("running", Running);
            if (CollectorPid is { } pid) w.WriteNumber("collector_pid", pid); else w.WriteNull("collector_pid");
            w.WriteBoolean("closed_cleanly", ClosedCleanly);
            w.WriteNumber("segments", Segments);
            w.WriteNumber("segment_bytes", SegmentBytes);
            // Drops and overwrites are counted in the segment header too, so they are known even without a SelfReport.
            w.WriteNumber("records_dropped", Counters?.RecordsDropped ?? DroppedInHeaders);
            w.WriteNumber("records_overwritten", Counters?.RecordsOverwritten ?? OverwrittenInHeaders);
            if (AccessDeniedProcesses is { } denied) w.WriteNumber("access_denied_processes", denied); else w.WriteNull("access_denied_processes");
            if (Counters is { } c)
            {
                w.WriteNumber("records_written", c.RecordsWritten);
                w.WriteNumber("ticks", c.Ticks);
                w.WriteNumber("missed_ticks", c.MissedTicks);
                w.WriteNumber("late_ticks", c.LateTicks);
                w.WriteNumber("max_lateness_ns", c.MaxLatenessNs);
            }
            if (Latest is { } r)
            {
                w.WriteNumber("collector_cpu_percent", Math.Round(CollectorCpuPercent ?? 0, 4));
                w.WriteNumber("collector_rss_kb", r.RssKb);
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }
}
