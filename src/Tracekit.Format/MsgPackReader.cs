using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace Tracekit.Format;

/// <summary>
/// A MessagePack decoder over a span that never throws on bad data: every TryRead returns false and sets
/// <see cref="Error"/> to the offset of the value that failed. A failed read leaves <see cref="Position"/> at
/// that value. Integers are accepted in any encoding whose value fits the requested type.
/// </summary>
public ref partial struct MsgPackReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;
    private DecodeError _error;

    public MsgPackReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
        _error = default;
    }

    /// <summary>The offset of the next value.</summary>
    public readonly int Position => _position;

    public readonly bool End => _position >= _buffer.Length;

    /// <summary>The last failure; meaningful only after a TryRead returned false.</summary>
    public readonly DecodeError Error => _error;

    /// <summary>True when the next value is nil (false at the end of the data).</summary>
    public readonly bool NextIsNil => _position < _buffer.Length && _buffer[_position] == MsgPackCode.Nil;

    public bool TryReadNil()
    {
        if (NextIsNil)
        {
            _position++;
            return true;
        }
        return Fail(_position, End ? DecodeMessages.UnexpectedEnd : DecodeMessages.ExpectedNil);
    }

    public bool TryReadBool(out bool value)
    {
        value = false;
        if (End)
        {
            return Fail(_position, DecodeMessages.UnexpectedEnd);
        }
        byte code = _buffer[_position];
        if (code != MsgPackCode.True && code != MsgPackCode.False)
        {
            return Fail(_position, DecodeMessages.ExpectedBool);
        }
        value = code == MsgPackCode.True;
        _position++;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadUInt64(out ulong value)
    {
        ReadOnlySpan<byte> rest = _buffer.Slice(_position);
        if (rest.Length >= MsgPackPrimitives.MaxScalarSizeInBytes)
        {
            byte code = rest[0];
            if (code <= MsgPackCode.MaxPositiveFixInt)
            {
                value = code;
                _position++;
                return true;
            }
            uint sizeLog2 = (uint)(code - MsgPackCode.UInt8);
            if (sizeLog2 <= 3)
            {
                // uint8..uint64 (0xcc..0xcf) carry 1 << (code - 0xcc) big-endian bytes. Nine bytes are known to be
                // there, so read eight and shift the unused tail away instead of branching on the size.
                int payloadBytes = 1 << (int)sizeLog2;
                value = BinaryPrimitives.ReadUInt64BigEndian(rest.Slice(1)) >> (64 - (8 * payloadBytes));
                _position += 1 + payloadBytes;
                return true;
            }
        }
        return TryReadUInt64Slow(out value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadInt64(out long value)
    {
        ReadOnlySpan<byte> rest = _buffer.Slice(_position);
        if (rest.Length >= MsgPackPrimitives.MaxScalarSizeInBytes)
        {
            byte code = rest[0];
            if (code <= MsgPackCode.MaxPositiveFixInt || code >= MsgPackCode.MinNegativeFixInt)
            {
                // Positive and negative fixints are both the code read as a signed byte.
                value = (sbyte)code;
                _position++;
                return true;
            }
            uint format = (uint)(code - MsgPackCode.UInt8);
            if (format <= 7)
            {
                // 0xcc..0xcf are uint8..uint64 and 0xd0..0xd3 int8..int64: the low two bits give the size. An
                // arithmetic shift sign-extends the signed formats; an unsigned value above long.MaxValue goes
                // to the slow path, which reports it.
                int payloadBytes = 1 << (int)(format & 3);
                int shift = 64 - (8 * payloadBytes);
                ulong raw = BinaryPrimitives.ReadUInt64BigEndian(rest.Slice(1));
                long read = format <= 3 ? (long)(raw >> shift) : (long)raw >> shift;
                if (format > 3 || read >= 0)
                {
                    value = read;
                    _position += 1 + payloadBytes;
                    return true;
                }
            }
        }
        return TryReadInt64Slow(out value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryReadUInt64Slow(out ulong value)
    {
        int start = _position;
        if (!TryReadInteger(out value, out bool negative))
        {
            return false;
        }
        return negative ? FailRange(start, out value) : true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryReadInt64Slow(out long value)
    {
        int start = _position;
        if (!TryReadInteger(out ulong bits, out bool negative))
        {
            value = 0;
            return false;
        }
        value = (long)bits;
        // Without the sign flag, bits above long.MaxValue are a uint64 that does not fit.
        return negative || value >= 0 ? true : FailRange(start, out value);
    }

    public bool TryReadInt32(out int value)
    {
        int start = _position;
        if (!TryReadInt64(out long wide))
        {
            value = 0;
            return false;
        }
        if (wide < int.MinValue || wide > int.MaxValue)
        {
            return FailRange(start, out value);
        }
        value = (int)wide;
        return true;
    }

    public bool TryReadByte(out byte value)
    {
        int start = _position;
        if (!TryReadUInt64(out ulong wide))
        {
            value = 0;
            return false;
        }
        if (wide > byte.MaxValue)
        {
            return FailRange(start, out value);
        }
        value = (byte)wide;
        return true;
    }

    /// <summary>Reads nil as null, otherwise an integer that fits.</summary>
    public bool TryReadNullableInt64(out long? value)
    {
        value = null;
        if (NextIsNil)
        {
            _position++;
            return true;
        }
        if (!TryReadInt64(out long read))
        {
            return false;
        }
        value = read;
        return true;
    }

    /// <summary>Reads nil as null, otherwise an integer that fits.</summary>
    public bool TryReadNullableInt32(out int? value)
    {
        value = null;
        if (NextIsNil)
        {
            _position++;
            return true;
        }
        if (!TryReadInt32(out int read))
        {
            return false;
        }
        value = read;
        return true;
    }

    /// <summary>Reads a float64, or a float32 widened exactly.</summary>
    public bool TryReadDouble(out double value)
    {
        int start = _position;
        ReadOnlySpan<byte> rest = _buffer.Slice(start);
        value = 0;
        if (rest.IsEmpty)
        {
            return Fail(start, DecodeMessages.UnexpectedEnd);
        }
        if (rest[0] == MsgPackCode.Float64)
        {
            if (rest.Length < 9)
            {
                return Fail(start, DecodeMessages.UnexpectedEnd);
            }
            value = BinaryPrimitives.ReadDoubleBigEndian(rest.Slice(1));
            _position = start + 9;
            return true;
        }
        if (rest[0] == MsgPackCode.Float32)
        {
            if (rest.Length < 5)
            {
                return Fail(start, DecodeMessages.UnexpectedEnd);
            }
            value = BinaryPrimitives.ReadSingleBigEndian(rest.Slice(1));
            _position = start + 5;
            return true;
        }
        return Fail(start, DecodeMessages.ExpectedFloat);
    }

    /// <summary>Reads an array header. A count larger than the bytes left is rejected here, since every element takes at least one byte.</summary>
    public bool TryReadArrayHeader(out int count)
    {
        int start = _position;
        ReadOnlySpan<byte> rest = _buffer.Slice(start);
        count = 0;
        if (rest.IsEmpty)
        {
            return Fail(start, DecodeMessages.UnexpectedEnd);
        }
        byte code = rest[0];
        uint announced;
        int headerSize;
        if (code >= MsgPackCode.MinFixArray && code <= MsgPackCode.MaxFixArray)
        {
            announced = (uint)(code & 0x0f);
            headerSize = 1;
        }
        else if (code == MsgPackCode.Array16)
        {
            if (rest.Length < 3)
            {
                return Fail(start, DecodeMessages.UnexpectedEnd);
            }
            announced = BinaryPrimitives.ReadUInt16BigEndian(rest.Slice(1));
            headerSize = 3;
        }
        else if (code == MsgPackCode.Array32)
        {
            if (rest.Length < 5)
            {
                return Fail(start, DecodeMessages.UnexpectedEnd);
            }
            announced = BinaryPrimitives.ReadUInt32BigEndian(rest.Slice(1));
            headerSize = 5;
        }
        else
        {
            return Fail(start, DecodeMessages.ExpectedArray);
        }
        if (announced > (uint)(rest.Length - headerSize))
        {
            return Fail(start, DecodeMessages.LengthPastEnd);
        }
        count = (int)announced;
        _position = start + headerSize;
        return true;
    }

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

    private bool FailRange<T>(int start, out T value)
        where T : struct
    {
        _position = start;
        value = default;
        return Fail(start, DecodeMessages.IntegerOutOfRange);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal bool Fail(int offset, string message)
    {
        _error = new DecodeError(offset, message);
        return false;
    }
}
