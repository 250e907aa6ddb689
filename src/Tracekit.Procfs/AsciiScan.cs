namespace Tracekit.Procfs;

/// <summary>
/// Span primitives shared by the parsers. None throws and none allocates: kernel text is trusted for its format,
/// not for its content (a comm can hold any byte), so every step can fail and report false.
/// </summary>
internal static class AsciiScan
{
    public static bool IsBlank(byte b) => b == (byte)' ' || b == (byte)'\t';

    /// <summary>Splits off the next line (without its '\n'); false when nothing is left.</summary>
    public static bool TryTakeLine(scoped ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> line)
    {
        if (rest.IsEmpty)
        {
            line = default;
            return false;
        }

        int newline = rest.IndexOf((byte)'\n');
        if (newline < 0)
        {
            line = rest;
            rest = default;
        }
        else
        {
            line = rest[..newline];
            rest = rest[(newline + 1)..];
        }

        return true;
    }

    /// <summary>Splits off the next run of non-blank bytes, skipping spaces and tabs before it.</summary>
    public static bool TryTakeToken(scoped ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> token)
    {
        int start = 0;
        while (start < rest.Length && IsBlank(rest[start]))
        {
            start++;
        }

        int end = start;
        while (end < rest.Length && !IsBlank(rest[end]) && rest[end] != (byte)'\n')
        {
            end++;
        }

        token = rest[start..end];
        rest = rest[end..];
        return !token.IsEmpty;
    }

    public static bool TrySkipTokens(scoped ref ReadOnlySpan<byte> rest, int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (!TryTakeToken(ref rest, out _))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Decimal digits only; false on an empty token, any other byte, or overflow.</summary>
    public static bool TryParseUInt64(ReadOnlySpan<byte> token, out ulong value)
    {
        value = 0;
        if (token.IsEmpty || token.Length > 20)
        {
            return false;
        }

        foreach (byte b in token)
        {
            uint digit = (uint)(b - (byte)'0');
            if (digit > 9)
            {
                return false;
            }

            if (value > (ulong.MaxValue - digit) / 10)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        return true;
    }

    /// <summary>Optional '-' then decimal digits, within the range of long.</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> token, out long value)
    {
        bool negative = !token.IsEmpty && token[0] == (byte)'-';
        if (!TryParseUInt64(negative ? token[1..] : token, out ulong magnitude) ||
            magnitude > (negative ? 9_223_372_036_854_775_808UL : long.MaxValue))
        {
            value = 0;
            return false;
        }

        value = negative ? (long)(0 - magnitude) : (long)magnitude;
        return true;
    }

    public static bool TryTakeUInt64(scoped ref ReadOnlySpan<byte> rest, out ulong value)
    {
        value = 0;
        return TryTakeToken(ref rest, out ReadOnlySpan<byte> token) && TryParseUInt64(token, out value);
    }

    public static bool TryTakeInt64(scoped ref ReadOnlySpan<byte> rest, out long value)
    {
        value = 0;
        return TryTakeToken(ref rest, out ReadOnlySpan<byte> token) && TryParseInt64(token, out value);
    }

    /// <summary>A decimal such as "2445.406" (as in /proc/cpuinfo); returns false on anything else.</summary>
    public static bool TryParseDecimal(ReadOnlySpan<byte> token, out double value)
    {
        value = 0;
        int dot = token.IndexOf((byte)'.');
        ReadOnlySpan<byte> whole = dot < 0 ? token : token[..dot];
        ReadOnlySpan<byte> fraction = dot < 0 ? default : token[(dot + 1)..];
        if (!TryParseUInt64(whole, out ulong wholeValue) || fraction.Length > 18 ||
            (!fraction.IsEmpty && !TryParseUInt64(fraction, out _)))
        {
            return false;
        }

        double fractionValue = 0;
        double scale = 0.1;
        foreach (byte b in fraction)
        {
            fractionValue += (b - (byte)'0') * scale;
            scale /= 10;
        }

        value = wholeValue + fractionValue;
        return true;
    }

    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> text)
    {
        int start = 0;
        int end = text.Length;
        while (start < end && (IsBlank(text[start]) || text[start] == (byte)'\n'))
        {
            start++;
        }

        while (end > start && (IsBlank(text[end - 1]) || text[end - 1] == (byte)'\n'))
        {
            end--;
        }

        return text[start..end];
    }
}
