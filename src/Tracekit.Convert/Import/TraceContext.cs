namespace Tracekit.Convert.Import;

/// <summary>
/// W3C Trace Context (https://www.w3.org/TR/trace-context/) as far as an access log carries it: the
/// <c>traceparent</c> request header <c>version-traceid-parentid-flags</c>, e.g.
/// <c>00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01</c>.
/// </summary>
internal static class TraceContext
{
    private const int TraceparentLength = 55;

    /// <summary>
    /// The trace id and the caller's span id of a valid header; false (both null) for "-", a malformed header, version
    /// ff, or an all-zero id, which the specification says to ignore.
    /// </summary>
    public static bool TryParseTraceparent(ReadOnlySpan<byte> header, out string? traceId, out string? parentSpanId)
    {
        traceId = null;
        parentSpanId = null;
        if (header.Length < TraceparentLength || header[2] != '-' || header[35] != '-' || header[52] != '-'
            || !TryLowerHex(header[..2], 2, out string? version) || version == "ff"
            || (version == "00" && header.Length != TraceparentLength)
            || (header.Length > TraceparentLength && header[TraceparentLength] != '-')
            || !TryLowerHex(header[53..55], 2, out _)
            || !TryLowerHex(header.Slice(3, 32), 32, out string? trace) || IsAllZero(trace!)
            || !TryLowerHex(header.Slice(36, 16), 16, out string? parent) || IsAllZero(parent!))
        {
            return false;
        }

        traceId = trace;
        parentSpanId = parent;
        return true;
    }

    /// <summary>Exactly <paramref name="length"/> hex digits, returned in lowercase (the form W3C ids take).</summary>
    public static bool TryLowerHex(ReadOnlySpan<byte> text, int length, out string? hex)
    {
        hex = null;
        if (text.Length != length)
        {
            return false;
        }

        foreach (byte b in text)
        {
            if (!char.IsAsciiHexDigit((char)b))
            {
                return false;
            }
        }

        // Already checked to be ASCII hex; nginx and W3C write lowercase, so the lowering rarely copies.
        hex = System.Text.Encoding.ASCII.GetString(text).ToLowerInvariant();
        return true;
    }

    private static bool IsAllZero(string hex) => hex.AsSpan().IndexOfAnyExcept('0') < 0;
}
