using System.Text;

namespace Tracekit.Convert.Import;

/// <summary>
/// Reads the fields of one access log line left to right, without allocating. Every failure records the 1-based
/// column and what was expected, so a malformed line is reported as "line L, column C: expected X".
/// </summary>
internal ref struct LineCursor(ReadOnlySpan<byte> line)
{
    private readonly ReadOnlySpan<byte> _line = line;
    private int _position;

    /// <summary>1-based column of the failure, 0 while none.</summary>
    public int ErrorColumn { get; private set; }

    public string? Error { get; private set; }

    public readonly bool AtEnd => _position >= _line.Length;

    /// <summary>0-based offset of the next byte to read; set to go back to the start of a field.</summary>
    public int Position
    {
        readonly get => _position;
        set => _position = Math.Clamp(value, 0, _line.Length);
    }

    public readonly ReadOnlySpan<byte> Line => _line;

    /// <summary>False, recording the current column and what was expected there.</summary>
    public bool Fail(string expected)
    {
        ErrorColumn = _position + 1;
        Error = _position >= _line.Length ? $"expected {expected}, found the end of the line" : $"expected {expected}";
        return false;
    }

    /// <summary>Exactly one space between fields (nginx writes the format's literal spaces as they are).</summary>
    public bool Space(string nextField)
    {
        if (_position < _line.Length && _line[_position] == (byte)' ')
        {
            _position++;
            return true;
        }

        return Fail($"a space before {nextField}");
    }

    /// <summary>A non-empty run of bytes up to the next space or the end of the line.</summary>
    public bool Token(string field, out ReadOnlySpan<byte> token)
    {
        int length = _line[_position..].IndexOf((byte)' ');
        if (length < 0)
        {
            length = _line.Length - _position;
        }

        token = _line.Slice(_position, length);
        if (length == 0)
        {
            return Fail(field);
        }

        _position += length;
        return true;
    }

    /// <summary>The next <paramref name="length"/> bytes, without moving; see <see cref="Advance"/>.</summary>
    public bool Peek(int length, string field, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (_line.Length - _position < length)
        {
            return Fail(field);
        }

        bytes = _line.Slice(_position, length);
        return true;
    }

    public void Advance(int length) => _position = Math.Min(_line.Length, _position + length);

    public bool Literal(ReadOnlySpan<byte> text, string description)
    {
        if (!_line[_position..].StartsWith(text))
        {
            return Fail(description);
        }

        _position += text.Length;
        return true;
    }

    /// <summary>Moves to the next occurrence of <paramref name="text"/>; the bytes skipped are returned.</summary>
    public bool SkipTo(ReadOnlySpan<byte> text, string description, out ReadOnlySpan<byte> skipped)
    {
        int at = _line[_position..].IndexOf(text);
        skipped = at < 0 ? default : _line.Slice(_position, at);
        if (at < 0)
        {
            return Fail(description);
        }

        _position += at;
        return true;
    }

    /// <summary>
    /// A double-quoted field. nginx's default log escaping writes <c>"</c> as <c>\x22</c>, so the first quote ends the
    /// field; a line cut inside the field has no closing quote and fails here.
    /// </summary>
    public bool Quoted(string field, out ReadOnlySpan<byte> raw)
    {
        raw = default;
        if (_position >= _line.Length || _line[_position] != (byte)'"')
        {
            return Fail($"\"{field}\" (a quoted field)");
        }

        int length = _line[(_position + 1)..].IndexOf((byte)'"');
        if (length < 0)
        {
            _position = _line.Length;
            return Fail($"the closing quote of \"{field}\"");
        }

        raw = _line.Slice(_position + 1, length);
        _position += length + 2;
        return true;
    }

    /// <summary>An unsigned decimal integer of at most 18 digits (no sign, no exponent).</summary>
    public bool Integer(string field, out long value)
    {
        int start = _position;
        if (!Token(field, out var token) || !TryParseDigits(token, out value))
        {
            _position = start;
            value = 0;
            return Fail($"{field} (digits)");
        }

        return true;
    }

    /// <summary>Seconds with exactly three decimals, as nginx writes $msec and $request_time; returned in ms.</summary>
    public bool SecondsWithMs(string field, out long milliseconds)
    {
        int start = _position;
        milliseconds = 0;
        if (!Token(field, out var token)
            || token.Length < 5
            || token[^4] != (byte)'.'
            || !TryParseDigits(token[..^4], out long seconds)
            || !TryParseDigits(token[^3..], out long fraction)
            || seconds > (long.MaxValue / 1_000_000 / 1000) - 1)
        {
            _position = start;
            return Fail($"{field} (seconds with three decimals, e.g. 0.005)");
        }

        milliseconds = (seconds * 1000) + fraction;
        return true;
    }

    public static bool TryParseDigits(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 18)
        {
            return false;
        }

        foreach (byte b in digits)
        {
            if ((uint)(b - '0') > 9)
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }

    /// <summary>
    /// The text of a quoted field, or null for nginx's "-" (an empty variable). <c>\xHH</c> escapes are undone and
    /// the bytes decoded as UTF-8 (invalid sequences become U+FFFD), then cut to <paramref name="maxChars"/>.
    /// </summary>
    public static string? Text(ReadOnlySpan<byte> raw, int maxChars, out bool truncated)
    {
        truncated = false;
        if (raw.IsEmpty || (raw.Length == 1 && raw[0] == (byte)'-'))
        {
            return null;
        }

        string text = raw.IndexOf((byte)'\\') < 0 ? Encoding.UTF8.GetString(raw) : Unescape(raw);
        if (text.Length > maxChars)
        {
            truncated = true;
            // Never split a surrogate pair: the record encoder would reject the lone half.
            int cut = char.IsHighSurrogate(text[maxChars - 1]) ? maxChars - 1 : maxChars;
            text = text[..cut];
        }

        return text;
    }

    private static string Unescape(ReadOnlySpan<byte> raw)
    {
        byte[] bytes = new byte[raw.Length];
        int length = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] == (byte)'\\' && i + 3 < raw.Length && raw[i + 1] == (byte)'x'
                && HexValue(raw[i + 2]) is int high and >= 0 && HexValue(raw[i + 3]) is int low and >= 0)
            {
                bytes[length++] = (byte)((high << 4) | low);
                i += 3;
            }
            else
            {
                bytes[length++] = raw[i];
            }
        }

        return Encoding.UTF8.GetString(bytes, 0, length);
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
