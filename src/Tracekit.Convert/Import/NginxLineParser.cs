namespace Tracekit.Convert.Import;

/// <summary>
/// Parses one access log line of a known format. A line is accepted only when every field of the format is present
/// and well formed; fields nginx appends after the format's last field (a user's extra variables) are ignored.
/// </summary>
internal static class NginxLineParser
{
    public static bool TryParse(ReadOnlySpan<byte> line, NginxLogFormat format, out NginxRequest request, out int errorColumn, out string? error)
    {
        var cursor = new LineCursor(line);
        request = default;
        bool ok = format == NginxLogFormat.Tracekit ? ParseTracekit(ref cursor, ref request) : ParseCombined(ref cursor, ref request);
        if (ok && !cursor.AtEnd && !cursor.Space("the end of the line"))
        {
            ok = false;
        }

        errorColumn = cursor.ErrorColumn;
        error = cursor.Error;
        return ok;
    }

    // $msec $request_time $status $request_length $bytes_sent $pid $request_id "$request_method" "$request_uri" "$http_traceparent"
    private static bool ParseTracekit(ref LineCursor cursor, ref NginxRequest request)
    {
        if (!cursor.SecondsWithMs("$msec", out long endMs) || !cursor.Space("$request_time")
            || !cursor.SecondsWithMs("$request_time", out long durationMs) || !cursor.Space("$status")
            || !Status(ref cursor, out int status) || !cursor.Space("$request_length")
            || !cursor.Integer("$request_length", out long bytesIn) || !cursor.Space("$bytes_sent")
            || !cursor.Integer("$bytes_sent", out long bytesOut) || !cursor.Space("$pid")
            || !Pid(ref cursor, out int pid) || !cursor.Space("$request_id"))
        {
            return false;
        }

        if (durationMs > endMs)
        {
            cursor.Position = 0;
            return cursor.Fail("$request_time not longer than the time since 1970 ($msec)");
        }

        int idStart = cursor.Position;
        if (!cursor.Token("$request_id", out var requestId) || (!TraceContext.TryLowerHex(requestId, 32, out string? id) && !IsDash(requestId)))
        {
            cursor.Position = idStart;
            return cursor.Fail("$request_id (32 hex digits)");
        }

        if (!cursor.Space("\"$request_method\"") || !cursor.Quoted("$request_method", out var method)
            || !cursor.Space("\"$request_uri\"") || !cursor.Quoted("$request_uri", out var uri)
            || !cursor.Space("\"$http_traceparent\"") || !cursor.Quoted("$http_traceparent", out var traceparent))
        {
            return false;
        }

        request.EndEpochMs = endMs;
        request.DurationMs = durationMs;
        request.Status = status;
        request.BytesIn = bytesIn;
        request.BytesOut = bytesOut;
        request.Pid = pid;
        request.RequestId = id;
        request.Method = LineCursor.Text(method, NginxRequest.MaxMethodChars, out bool methodCut);
        request.Path = PathOf(LineCursor.Text(uri, NginxRequest.MaxPathChars, out bool pathCut));
        request.Truncated = methodCut || pathCut;
        TraceContext.TryParseTraceparent(traceparent, out request.TraceId, out request.ParentSpanId);
        return true;
    }

    // $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"
    private static bool ParseCombined(ref LineCursor cursor, ref NginxRequest request)
    {
        if (!cursor.Token("$remote_addr", out _) || !cursor.Literal(" - "u8, "\" - \" after $remote_addr"))
        {
            return false;
        }

        // $remote_user is free text (HTTP basic auth may hold spaces and brackets), but nginx escapes '"' in it, so
        // the first `] "` of the line is the end of $time_local, and the time is the 26 bytes before it.
        int userStart = cursor.Position;
        if (!cursor.SkipTo("] \""u8, "\"] \\\"\" after $time_local", out _))
        {
            return false;
        }

        int timeStart = cursor.Position - NginxTime.LocalTimeLength;
        if (timeStart - 2 < userStart || !cursor.Line[(timeStart - 2)..timeStart].SequenceEqual(" ["u8))
        {
            cursor.Position = userStart;
            return cursor.Fail("\"$remote_user [$time_local]\" with $time_local as dd/Mon/yyyy:HH:mm:ss +hhmm");
        }

        cursor.Position = timeStart;
        if (!NginxTime.TryParseLocal(cursor.Line.Slice(timeStart, NginxTime.LocalTimeLength), out long endMs, out string? timeError))
        {
            return cursor.Fail(timeError!);
        }

        cursor.Advance(NginxTime.LocalTimeLength);
        if (!cursor.Literal("]"u8, "\"]\" after $time_local")
            || !cursor.Space("\"$request\"") || !cursor.Quoted("$request", out var requestLine)
            || !cursor.Space("$status") || !Status(ref cursor, out int status)
            || !cursor.Space("$body_bytes_sent") || !cursor.Integer("$body_bytes_sent", out long bodyBytes)
            || !cursor.Space("\"$http_referer\"") || !cursor.Quoted("$http_referer", out _)
            || !cursor.Space("\"$http_user_agent\"") || !cursor.Quoted("$http_user_agent", out _))
        {
            return false;
        }

        request.EndEpochMs = endMs;
        request.Status = status;
        request.BytesOut = bodyBytes;
        SplitRequestLine(requestLine, ref request);
        return true;
    }

    /// <summary><c>GET /path?query HTTP/1.1</c>: method and path; a line that is not a request (a TLS handshake sent to
    /// a plain port) leaves both null, but the request itself is real and is imported.</summary>
    private static void SplitRequestLine(ReadOnlySpan<byte> line, ref NginxRequest request)
    {
        int space = line.IndexOf((byte)' ');
        if (space <= 0 || !IsToken(line[..space]))
        {
            return;
        }

        var rest = line[(space + 1)..];
        int end = rest.IndexOf((byte)' ');
        var uri = end < 0 ? rest : rest[..end];
        request.Method = LineCursor.Text(line[..space], NginxRequest.MaxMethodChars, out bool methodCut);
        request.Path = PathOf(LineCursor.Text(uri, NginxRequest.MaxPathChars, out bool pathCut));
        request.Truncated = methodCut || pathCut;
    }

    private static bool Pid(ref LineCursor cursor, out int pid)
    {
        int start = cursor.Position;
        pid = 0;
        if (!cursor.Integer("$pid", out long value))
        {
            return false;
        }

        if (value is 0 or > int.MaxValue)
        {
            cursor.Position = start;
            return cursor.Fail("$pid (a process id)");
        }

        pid = (int)value;
        return true;
    }

    private static bool Status(ref LineCursor cursor, out int status)
    {
        status = 0;
        if (!cursor.Peek(3, "$status (three digits)", out var digits) || !LineCursor.TryParseDigits(digits, out long value) || value < 100)
        {
            return cursor.Fail("$status (three digits)");
        }

        cursor.Advance(3);
        status = (int)value;
        return true;
    }

    /// <summary>The query string is dropped: it can carry tokens, and it makes every path unique.</summary>
    private static string? PathOf(string? uri)
    {
        if (uri is null)
        {
            return null;
        }

        int query = uri.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? uri : uri[..query];
    }

    private static bool IsDash(ReadOnlySpan<byte> token) => token.Length == 1 && token[0] == (byte)'-';

    /// <summary>RFC 9110 token characters: what a method may consist of.</summary>
    private static bool IsToken(ReadOnlySpan<byte> text)
    {
        foreach (byte b in text)
        {
            bool ok = b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                || "!#$%&'*+-.^_`|~"u8.Contains(b);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
