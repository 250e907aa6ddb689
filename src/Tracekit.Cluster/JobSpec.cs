using System.Globalization;
using System.Text.Json;

namespace Tracekit.Cluster;

/// <summary>
/// A batch job as submitted: an argv array (never a shell string), the CPU units it needs, its input and output
/// files, and an optional offset added to its submit time (a trace replayed with its original spacing).
/// </summary>
public sealed record JobSpec(IReadOnlyList<string> Argv, int CpuUnits, string? Input, string? Output, long SubmitOffsetMs)
{
    public string ArgvJson() => ToJsonArray(Argv);

    /// <summary>A string array as JSON: how argv arrays and collect flags are stored in Redis.</summary>
    public static string ToJsonArray(IEnumerable<string> values)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var v in values) w.WriteStringValue(v);
            w.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string[] ParseArgvJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray().Select(e => e.GetString() ?? "").ToArray();
    }

    /// <summary>
    /// Reads jobs.jsonl: one object a line with <c>argv</c> (array of strings, required), <c>cpu_units</c>
    /// (positive integer, default <paramref name="defaultUnits"/>), <c>input</c>, <c>output</c> (strings) and
    /// <c>submit_offset_ms</c> (non-negative integer). Blank lines are skipped; any other fault names its line.
    /// </summary>
    public static List<JobSpec> ReadJsonLines(TextReader reader, string name, int defaultUnits)
    {
        var jobs = new List<JobSpec>();
        int lineNumber = 0;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                jobs.Add(ParseLine(line, defaultUnits));
            }
            catch (JsonException e)
            {
                throw new FormatException($"{name} line {lineNumber}: not a JSON object ({e.Message.Split('.')[0]})");
            }
            catch (FormatException e)
            {
                throw new FormatException($"{name} line {lineNumber}: {e.Message}");
            }
        }
        if (jobs.Count == 0) throw new FormatException($"{name} holds no job; write one JSON object a line, for example {{\"argv\":[\"sha256sum\",\"in.dat\"],\"cpu_units\":1}}");
        return jobs;
    }

    private static JobSpec ParseLine(string line, int defaultUnits)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException("a job is a JSON object");
        if (!root.TryGetProperty("argv", out var argvElement) || argvElement.ValueKind != JsonValueKind.Array || argvElement.GetArrayLength() == 0)
            throw new FormatException("\"argv\" must be a non-empty array of strings (the program and its arguments; no shell string)");
        var argv = new List<string>();
        foreach (var a in argvElement.EnumerateArray())
        {
            if (a.ValueKind != JsonValueKind.String) throw new FormatException("\"argv\" must hold strings only");
            argv.Add(a.GetString()!);
        }
        int units = defaultUnits;
        if (root.TryGetProperty("cpu_units", out var u))
        {
            if (u.ValueKind != JsonValueKind.Number || !u.TryGetInt32(out units) || units < 1)
                throw new FormatException("\"cpu_units\" must be a positive integer");
        }
        long offsetMs = 0;
        if (root.TryGetProperty("submit_offset_ms", out var o))
        {
            if (o.ValueKind != JsonValueKind.Number || !o.TryGetInt64(out offsetMs) || offsetMs < 0)
                throw new FormatException("\"submit_offset_ms\" must be a non-negative integer (milliseconds)");
        }
        return new JobSpec(argv, units, OptionalString(root, "input"), OptionalString(root, "output"), offsetMs);
    }

    private static string? OptionalString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.String) throw new FormatException($"\"{name}\" must be a string (a file path)");
        return e.GetString();
    }

    /// <summary>A new job id: 32 hex digits, so it doubles as the invocation's W3C trace id.</summary>
    public static string NewJobId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    internal static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
