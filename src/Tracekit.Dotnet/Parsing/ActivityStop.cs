using System.Collections;
using System.Globalization;

namespace Tracekit.Dotnet.Parsing;

/// <summary>Which span a request event describes.</summary>
internal enum SpanKind : byte
{
    /// <summary>An ASP.NET Core request (hosting's EndRequest or UnhandledException).</summary>
    Server,
    /// <summary>An outgoing HttpClient request (System.Net.Http.HttpRequestOut Activity stop).</summary>
    Client,
}

/// <summary>
/// One request span from a DiagnosticSource event whose payload <see cref="Tracekit.EventPipe.CaptureProviders.RequestSpecs"/> chose: W3C
/// ids, timing, method, path and status.
/// </summary>
internal struct ActivityStop
{
    public SpanKind Kind;
    public string TraceId;
    public string SpanId;
    public string? ParentId;
    /// <summary>Client spans: the Activity's duration. 0 for server spans, which carry <see cref="StartUtcTicks"/>.</summary>
    public long DurationNs;
    /// <summary>Server spans: the Activity's start, DateTime ticks (UTC, 100 ns since 0001-01-01).</summary>
    public long StartUtcTicks;
    /// <summary>
    /// Server spans: hosting's own end stamp (EndRequest's <c>timestamp</c>, Stopwatch ticks = CLOCK_MONOTONIC ns on
    /// Linux), taken before the event is written; 0 when absent (UnhandledException carries none).
    /// </summary>
    public long EndMonotonicNs;
    public string? Method;
    /// <summary>
    /// Server: the route template when the runtime tags the Activity with http.route, else the request path.
    /// Client: the URL without its query.
    /// </summary>
    public string? Path;
    public int? Status;
    /// <summary>
    /// Whether the target's ratio sampler recorded the span's trace: null when the session did not sample (no
    /// <c>Recorded</c> field), false for a request the decoder must drop.
    /// </summary>
    public bool? Recorded;

    public const string ClientActivity = "System.Net.Http.HttpRequestOut";
    public const string EndRequestEvent = "Microsoft.AspNetCore.Hosting.EndRequest";
    public const string UnhandledExceptionEvent = "Microsoft.AspNetCore.Hosting.UnhandledException";
    private const string NoParent = "0000000000000000";

    /// <summary>
    /// Reads the payload's Arguments (a list of Key/Value structs). <paramref name="name"/> is the Activity name of
    /// an Activity stop, or the DiagnosticSource event name of a hosting event. False, with a reason, when ids or
    /// timing are missing: such an event cannot become an invocation.
    /// </summary>
    public static bool TryParse(string? name, object? arguments, out ActivityStop stop, out string? problem)
    {
        stop = default;
        problem = null;
        switch (name)
        {
            case EndRequestEvent:
            case UnhandledExceptionEvent: stop.Kind = SpanKind.Server; break;
            case ClientActivity: stop.Kind = SpanKind.Client; break;
            default: problem = $"unexpected event '{name}'"; return false;
        }
        string? traceId = null, spanId = null, parentId = null, durationTicks = null, startTicks = null, endTimestamp = null, tags = null, method = null, path = null, status = null, recorded = null;
        if (arguments is IEnumerable items)
        {
            foreach (var item in items)
            {
                if (item is not IDictionary<string, object> pair) continue;
                if (!pair.TryGetValue("Key", out var k) || k is not string key) continue;
                var value = pair.TryGetValue("Value", out var v) ? v as string : null;
                switch (key)
                {
                    case "TraceId": traceId = value; break;
                    case "SpanId": spanId = value; break;
                    case "ParentSpanId": parentId = value; break;
                    case "DurationTicks": durationTicks = value; break;
                    case "StartTicks": startTicks = value; break;
                    case "EndTimestamp": endTimestamp = value; break;
                    case "Tags": tags = value; break;
                    case "Method": method = value; break;
                    case "Path": path = value; break;
                    case "Status": status = value; break;
                    case "Recorded": recorded = value; break;
                }
            }
        }
        if (!IsHex(traceId, 32) || !IsHex(spanId, 16))
        {
            problem = "the event has no W3C trace id or span id (no current Activity)";
            return false;
        }
        stop.Recorded = bool.TryParse(recorded, out bool isRecorded) ? isRecorded : null;
        stop.TraceId = traceId!;
        stop.SpanId = spanId!;
        stop.ParentId = IsHex(parentId, 16) && parentId != NoParent ? parentId : null;
        if (stop.Kind == SpanKind.Server)
        {
            if (!long.TryParse(startTicks, NumberStyles.None, CultureInfo.InvariantCulture, out stop.StartUtcTicks) || stop.StartUtcTicks == 0)
            {
                problem = "the event has no start time";
                return false;
            }
            if (!long.TryParse(endTimestamp, NumberStyles.None, CultureInfo.InvariantCulture, out stop.EndMonotonicNs)) stop.EndMonotonicNs = 0;
            stop.Method = string.IsNullOrEmpty(method) ? null : method;
            stop.Path = TagList.Find(tags, "http.route") ?? (string.IsNullOrEmpty(path) ? null : path);
            if (int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out int code))
                stop.Status = name == UnhandledExceptionEvent && code < 500 ? 500 : code; // the server answers 500 to an unhandled exception
            return true;
        }
        if (!long.TryParse(durationTicks, NumberStyles.None, CultureInfo.InvariantCulture, out long ticks))
        {
            problem = "the event has no duration";
            return false;
        }
        stop.DurationNs = ticks * 100; // TimeSpan ticks are 100 ns
        stop.Method = TagList.Find(tags, "http.request.method");
        if (int.TryParse(TagList.Find(tags, "http.response.status_code"), NumberStyles.None, CultureInfo.InvariantCulture, out int clientStatus))
            stop.Status = clientStatus;
        stop.Path = WithoutQuery(TagList.Find(tags, "url.full"));
        return true;
    }

    /// <summary>
    /// The span's end on CLOCK_MONOTONIC. EventPipe stamps an event when it writes it, which a preempted thread can
    /// delay by milliseconds (measured: up to 20 ms on a loaded 2-core host, after the client already had the whole
    /// response); hosting's own stamp is taken before. It is used only when plausibly on the event's clock (Stopwatch
    /// is CLOCK_MONOTONIC ns on Linux, like EventPipe's): not after the event and less than a second before it.
    /// </summary>
    public readonly long EndNs(long eventNs) =>
        Kind == SpanKind.Server && EndMonotonicNs > 0 && EndMonotonicNs <= eventNs && eventNs - EndMonotonicNs < 1_000_000_000
            ? EndMonotonicNs
            : eventNs;

    private static string? WithoutQuery(string? url)
    {
        if (url is null) return null;
        int q = url.IndexOfAny(['?', '#']);
        return q < 0 ? url : url[..q];
    }

    private static bool IsHex(string? s, int length) =>
        s is not null && s.Length == length && !s.AsSpan().ContainsAnyExcept("0123456789abcdef");
}

/// <summary>
/// Reads one tag from the text the DiagnosticSource bridge makes of an Activity's TagObjects:
/// <c>[key1, value1],[key2, value2]</c> (KeyValuePair.ToString joined with commas).
/// </summary>
internal static class TagList
{
    public static string? Find(string? tags, string key)
    {
        if (string.IsNullOrEmpty(tags)) return null;
        var text = tags.AsSpan();
        int start = 0;
        while (start < text.Length)
        {
            // Items start with '[' and end at "],[" or at the final ']'. A value containing "],[" would split
            // early; none of the tags read here (method, status, route, URL) can contain that sequence.
            int end = text[start..].IndexOf("],[");
            var item = end < 0 ? text[start..] : text.Slice(start, end + 1);
            if (item.Length >= 2 && item[0] == '[' && item[^1] == ']')
            {
                var inner = item[1..^1];
                int comma = inner.IndexOf(", ");
                if (comma > 0 && inner[..comma].SequenceEqual(key))
                    return inner[(comma + 2)..].ToString();
            }
            if (end < 0) break;
            start += end + 2;
        }
        return null;
    }
}
