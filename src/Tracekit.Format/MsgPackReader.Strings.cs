using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Tracekit.Format;

// String reads. A string is decoded only after its length is checked against the data left.
public ref partial struct MsgPackReader
{
    /// <summary>Reads a str (not nil) as a slice of the buffer, without validating the UTF-8.</summary>
    public bool TryReadStringUtf8(out ReadOnlySpan<byte> utf8)
    {
        int start = _position;
        ReadOnlySpan<byte> rest = _buffer.Slice(start);
        utf8 = default;
        if (rest.IsEmpty)
        {
            return Fail(start, DecodeMessages.UnexpectedEnd);
        }
        byte code = rest[0];
        int headerSize;
        uint length;
        if (code >= MsgPackCode.MinFixStr && code <= MsgPackCode.MaxFixStr)
        {
            headerSize = 1;
            length = (uint)(code & 0x1f);
        }
        else if (code == MsgPackCode.Str8 && rest.Length >= 2)
        {
            headerSize = 2;
            length = rest[1];
        }
        else if (code == MsgPackCode.Str16 && rest.Length >= 3)
        {
            headerSize = 3;
            length = BinaryPrimitives.ReadUInt16BigEndian(rest.Slice(1));
        }
        else if (code == MsgPackCode.Str32 && rest.Length >= 5)
        {
            headerSize = 5;
            length = BinaryPrimitives.ReadUInt32BigEndian(rest.Slice(1));
        }
        else
        {
            bool truncatedHeader = code is MsgPackCode.Str8 or MsgPackCode.Str16 or MsgPackCode.Str32;
            return Fail(start, truncatedHeader ? DecodeMessages.UnexpectedEnd : DecodeMessages.ExpectedString);
        }
        if (length > (uint)(rest.Length - headerSize))
        {
            return Fail(start, DecodeMessages.LengthPastEnd);
        }
        utf8 = rest.Slice(headerSize, (int)length);
        _position = start + headerSize + (int)length;
        return true;
    }

    /// <summary>Reads a str (not nil) whose bytes must be valid UTF-8; a damaged string is never repaired silently.</summary>
    public bool TryReadString(out string value)
    {
        int start = _position;
        value = string.Empty;
        if (!TryReadStringUtf8(out ReadOnlySpan<byte> utf8))
        {
            return false;
        }
        if (!Utf8.IsValid(utf8))
        {
            _position = start;
            return Fail(start, DecodeMessages.InvalidUtf8);
        }
        value = utf8.IsEmpty ? string.Empty : Encoding.UTF8.GetString(utf8);
        return true;
    }

    /// <summary>Reads nil as null, otherwise as <see cref="TryReadString"/>.</summary>
    public bool TryReadNullableString(out string? value)
    {
        if (NextIsNil)
        {
            _position++;
            value = null;
            return true;
        }
        bool read = TryReadString(out string text);
        value = read ? text : null;
        return read;
    }
}
