using System.Text;
using System.Text.Json;

namespace Tracekit.Contracts;

/// <summary>
/// The sidecar of one capture folder (<c>streams/dotnet-&lt;pid&gt;-&lt;startTicks&gt;/capture.json</c>): who the target
/// was, when the collector attached (a clock pair), how the capture ended. Written by the collector at attach and
/// at the end (atomically: temp file + rename, so a killed collector leaves the previous complete version), read by
/// the converter. Clock pairs taken while attached are appended to <c>anchors.jsonl</c> beside it.
/// </summary>
public sealed record CaptureMetadata
{
    public const string FileName = "capture.json";
    public const string AnchorsFileName = "anchors.jsonl";
    public const string TraceFileName = "trace.nettrace";
    public const string FolderPrefix = "dotnet-";
    public const string Format = "tracekit-dotnet-capture/1";

    public int Pid { get; init; }
    public ulong? PidStartTicks { get; init; }
    public string Module { get; init; } = "";
    public string Command { get; init; } = "";
    public int? RuntimeMajorVersion { get; init; }
    /// <summary>"meter" or "eventcounters"; null when metrics were off.</summary>
    public string? MetricsSource { get; init; }
    public int MetricsIntervalSeconds { get; init; }
    /// <summary>`--dotnet-request-sample`: the share of traces the target's sampler recorded (1: every request).</summary>
    public double RequestSampleRatio { get; init; } = 1.0;
    public string RunId { get; init; } = "";
    public string NodeId { get; init; } = "";
    public string Stage { get; init; } = "";
    /// <summary>attaching, attached, detached or failed.</summary>
    public string Status { get; init; } = "attaching";
    /// <summary>Why a detached capture ended: "process exited", "collector stopped", or the stream error.</summary>
    public string? EndReason { get; init; }
    /// <summary>The attach failure, for status "failed".</summary>
    public string? Error { get; init; }
    public ClockPair Attach { get; init; }
    public ClockPair? End { get; init; }
    public long BytesWritten { get; init; }

    public static string FolderName(int pid, ulong? startTicks) => $"{FolderPrefix}{pid}-{startTicks ?? 0}";

    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // file mode 0600
    public void WriteTo(string directory)
    {
        string path = Path.Combine(directory, FileName);
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteNumber("pid", Pid);
            if (PidStartTicks is ulong ticks) json.WriteNumber("pidStartTicks", ticks); else json.WriteNull("pidStartTicks");
            json.WriteString("module", Module);
            json.WriteString("command", Command);
            if (RuntimeMajorVersion is int major) json.WriteNumber("runtimeMajorVersion", major); else json.WriteNull("runtimeMajorVersion");
            json.WriteString("metricsSource", MetricsSource);
            json.WriteNumber("metricsIntervalSeconds", MetricsIntervalSeconds);
            json.WriteNumber("requestSampleRatio", RequestSampleRatio);
            json.WriteString("runId", RunId);
            json.WriteString("nodeId", NodeId);
            json.WriteString("stage", Stage);
            json.WriteString("status", Status);
            json.WriteString("endReason", EndReason);
            json.WriteString("error", Error);
            json.WriteNumber("attachMonotonicNs", Attach.MonotonicNs);
            json.WriteNumber("attachRealtimeNs", Attach.RealtimeNs);
            if (End is ClockPair end)
            {
                json.WriteNumber("endMonotonicNs", end.MonotonicNs);
                json.WriteNumber("endRealtimeNs", end.RealtimeNs);
            }
            json.WriteNumber("bytesWritten", BytesWritten);
            json.WriteEndObject();
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads a sidecar; null with a reason when it is missing or not one (never throws on bad content).</summary>
    public static CaptureMetadata? TryRead(string directory, out string? problem)
    {
        problem = null;
        string path = Path.Combine(directory, FileName);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Str(root, "format") != Format)
            {
                problem = $"{path}: not a {Format} file";
                return null;
            }
            return new CaptureMetadata
            {
                Pid = Int(root, "pid") is long pid ? (int)pid : 0,
                PidStartTicks = Int(root, "pidStartTicks") is long t ? (ulong)t : null,
                Module = Str(root, "module") ?? "",
                Command = Str(root, "command") ?? "",
                RuntimeMajorVersion = Int(root, "runtimeMajorVersion") is long v ? (int)v : null,
                MetricsSource = Str(root, "metricsSource"),
                MetricsIntervalSeconds = Int(root, "metricsIntervalSeconds") is long s ? (int)s : 0,
                // Absent in captures made before sampling existed: every request was recorded.
                RequestSampleRatio = root.TryGetProperty("requestSampleRatio", out var ratio) && ratio.ValueKind == JsonValueKind.Number
                    && ratio.GetDouble() is > 0 and <= 1 ? ratio.GetDouble() : 1.0,
                RunId = Str(root, "runId") ?? "",
                NodeId = Str(root, "nodeId") ?? "",
                Stage = Str(root, "stage") ?? "",
                Status = Str(root, "status") ?? "",
                EndReason = Str(root, "endReason"),
                Error = Str(root, "error"),
                Attach = new ClockPair(Int(root, "attachMonotonicNs") ?? 0, Int(root, "attachRealtimeNs") ?? 0),
                End = Int(root, "endMonotonicNs") is long em && Int(root, "endRealtimeNs") is long er ? new ClockPair(em, er) : null,
                BytesWritten = Int(root, "bytesWritten") ?? 0,
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            problem = $"{path}: {e.Message}";
            return null;
        }
    }

    /// <summary>Appends one clock pair as a JSON line (a killed collector may leave the last line torn: readers skip it).</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static void AppendAnchor(string directory, ClockPair pair)
    {
        using var stream = new FileStream(Path.Combine(directory, AnchorsFileName), new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        var s = pair.Sync;
        stream.Write(Encoding.ASCII.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{{\"monotonicNs\":{pair.MonotonicNs},\"realtimeNs\":{pair.RealtimeNs},\"syncState\":{s.State},\"clockStatus\":{s.Status},\"offsetNs\":{s.OffsetNs},\"maxErrorNs\":{s.MaxErrorNs},\"estErrorNs\":{s.EstErrorNs}}}\n")));
    }

    /// <summary>The clock pairs of anchors.jsonl in file order; lines that do not parse (a torn last line) are counted, not fatal.</summary>
    public static List<ClockPair> ReadAnchors(string directory, out int badLines)
    {
        badLines = 0;
        var pairs = new List<ClockPair>();
        string path = Path.Combine(directory, AnchorsFileName);
        if (!File.Exists(path)) return pairs;
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var e = doc.RootElement;
                if (Int(e, "monotonicNs") is long m && Int(e, "realtimeNs") is long r)
                {
                    var sync = Int(e, "syncState") is long state
                        ? new Tracekit.Native.ClockSyncInfo((int)state, (int)(Int(e, "clockStatus") ?? 0), Int(e, "offsetNs") ?? 0, Int(e, "maxErrorNs") ?? 0, Int(e, "estErrorNs") ?? 0)
                        : Tracekit.Native.ClockSyncInfo.Unknown;
                    pairs.Add(new ClockPair(m, r, sync));
                }
                else badLines++;
            }
            catch (JsonException)
            {
                badLines++;
            }
        }
        return pairs;
    }

    private static string? Str(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    private static long? Int(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long v) ? v : null;
}
