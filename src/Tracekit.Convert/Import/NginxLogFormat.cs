namespace Tracekit.Convert.Import;

/// <summary>The access log formats `tracekit-convert import nginx` reads (docs/cctf.md, "Importing nginx access logs").</summary>
public enum NginxLogFormat
{
    /// <summary>nginx's predefined <c>combined</c> format: second resolution, no duration, no request size, no PID.</summary>
    Combined,

    /// <summary>The <c>tracekit</c> format below: ms times, duration, sizes, worker PID, request id and W3C trace context.</summary>
    Tracekit,
}

/// <summary>The exact text of the formats, so the docs, the parser and the tests cannot drift apart.</summary>
public static class NginxLogFormats
{
    public const string CombinedName = "combined";
    public const string TracekitName = "tracekit";

    /// <summary>nginx's built-in definition, for reference; it cannot be redefined in nginx.conf.</summary>
    public const string CombinedFields =
        "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";

    /// <summary>
    /// The fields of the <c>tracekit</c> format, in order. Numbers first and free text last, quoted: a line cut anywhere
    /// before its end therefore always leaves a field incomplete, so a cut line is never imported with a wrong value.
    /// </summary>
    public const string TracekitFields =
        "$msec $request_time $status $request_length $bytes_sent $pid $request_id \"$request_method\" \"$request_uri\" \"$http_traceparent\"";

    /// <summary>The directive to paste into nginx's <c>http { }</c> block.</summary>
    public const string TracekitDirective = "log_format tracekit '" + TracekitFields + "';";

    public static string Name(NginxLogFormat format) => format == NginxLogFormat.Tracekit ? TracekitName : CombinedName;
}
