using System.Buffers.Binary;
using System.Runtime.CompilerServices;

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
    public bool TryReadUInt64(out ulong value) =>
        MsgPackScalars.TryReadUInt64(_buffer, ref _position, out value) || TryReadUInt64Slow(out value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadInt64(out long value) =>
        MsgPackScalars.TryReadInt64(_buffer, ref _position, out value) || TryReadInt64Slow(out value);

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

    /// <summary>Reads nil as null, otherwise a float64 (or float32 widened exactly).</summary>
    public bool TryReadNullableDouble(out double? value)
    {
        value = null;
        if (NextIsNil)
        {
            _position++;
            return true;
        }
        if (!TryReadDouble(out double read))
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
