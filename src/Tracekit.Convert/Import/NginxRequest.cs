namespace Tracekit.Convert.Import;

/// <summary>One access log line, parsed. Times are epoch milliseconds; null means the format does not say.</summary>
internal struct NginxRequest
{
    /// <summary>Strings longer than this are cut (and counted): a record must fit one ring frame, and a 4,096-character
    /// path is far beyond any route an analysis groups by.</summary>
    public const int MaxPathChars = 4096;

    /// <summary>HTTP methods are short tokens; anything longer is a client sending garbage.</summary>
    public const int MaxMethodChars = 64;

    /// <summary>When nginx wrote the line, i.e. when the request ended ($msec, or $time_local at second resolution).</summary>
    public long EndEpochMs;

    /// <summary>$request_time in ms; null for formats without it (the start is then the end).</summary>
    public long? DurationMs;

    public int Status;

    /// <summary>$request_length: request line, headers and body as received.</summary>
    public long? BytesIn;

    /// <summary>$bytes_sent (tracekit: headers and body) or $body_bytes_sent (combined: body only).</summary>
    public long? BytesOut;

    /// <summary>$pid: the worker process that served the request.</summary>
    public int? Pid;

    public string? Method;

    /// <summary>The request URI without its query string.</summary>
    public string? Path;

    /// <summary>$request_id: 32 lowercase hex digits, or null.</summary>
    public string? RequestId;

    /// <summary>From a valid W3C traceparent header, else null.</summary>
    public string? TraceId;

    /// <summary>The caller's span id from a valid W3C traceparent header, else null.</summary>
    public string? ParentSpanId;

    /// <summary>True when a string field was longer than its limit and was cut.</summary>
    public bool Truncated;

    public readonly long StartEpochMs => EndEpochMs - (DurationMs ?? 0);
}
