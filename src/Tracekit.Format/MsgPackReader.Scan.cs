using System.Buffers.Binary;

namespace Tracekit.Format;

// The parts of the reader that walk values generically: integer decoding and skipping.
public ref partial struct MsgPackReader
{
    /// <summary>
    /// Skips one value of any type, containers included. Instead of recursing into arrays and maps it keeps a
    /// count of values still owed, so no nesting depth can overflow the stack, and every step consumes at
    /// least one byte, so it ends within buffer-length steps: no input can make it hang. A container that
    /// announces more elements than bytes remain is rejected at once.
    /// </summary>
    public bool TrySkip()
    {
        int length = _buffer.Length;
        long pending = 1;
        while (pending > 0)
        {
            int start = _position;
            if (start >= length)
            {
                return Fail(start, DecodeMessages.UnexpectedEnd);
            }
            if (!TryMeasure(_buffer.Slice(start), out long size, out long elements, out string? problem))
            {
                return Fail(start, problem!);
            }
            if (size > length - start)
            {
                return Fail(start, DecodeMessages.LengthPastEnd);
            }
            _position = start + (int)size;
            pending += elements - 1;
            if (pending > length - _position)
            {
                return Fail(start, DecodeMessages.LengthPastEnd);
            }
        }
        return true;
    }

    /// <summary>The encoded size of the value's header and payload, and how many values a container adds.</summary>
    private static bool TryMeasure(ReadOnlySpan<byte> rest, out long size, out long elements, out string? problem)
    {
        byte code = rest[0];
        elements = 0;
        problem = null;
        if (code <= MsgPackCode.MaxPositiveFixInt || code >= MsgPackCode.MinNegativeFixInt)
        {
            size = 1;
            return true;
        }
        if (code <= MsgPackCode.MaxFixMap)
        {
            size = 1;
            elements = 2L * (code & 0x0f);
            return true;
        }
        if (code <= MsgPackCode.MaxFixArray)
        {
            size = 1;
            elements = code & 0x0f;
            return true;
        }
        if (code <= MsgPackCode.MaxFixStr)
        {
            size = 1 + (code & 0x1f);
            return true;
        }
        // Codes 0xc0..0xdf: a fixed size, or a header whose length field must itself be present.
        int lengthBytes = code switch
        {
            MsgPackCode.Bin8 or MsgPackCode.Str8 or MsgPackCode.Ext8 => 1,
            MsgPackCode.Bin16 or MsgPackCode.Str16 or MsgPackCode.Ext16 or MsgPackCode.Array16 or MsgPackCode.Map16 => 2,
            MsgPackCode.Bin32 or MsgPackCode.Str32 or MsgPackCode.Ext32 or MsgPackCode.Array32 or MsgPackCode.Map32 => 4,
            _ => 0,
        };
        if (rest.Length <= lengthBytes)
        {
            size = 0;
            problem = DecodeMessages.UnexpectedEnd;
            return false;
        }
        long announced = lengthBytes switch
        {
            1 => rest[1],
            2 => BinaryPrimitives.ReadUInt16BigEndian(rest.Slice(1)),
            4 => BinaryPrimitives.ReadUInt32BigEndian(rest.Slice(1)),
            _ => 0,
        };
        size = code switch
        {
            MsgPackCode.Nil or MsgPackCode.False or MsgPackCode.True => 1,
            MsgPackCode.Bin8 or MsgPackCode.Str8 or MsgPackCode.Bin16 or MsgPackCode.Str16
                or MsgPackCode.Bin32 or MsgPackCode.Str32 => 1 + lengthBytes + announced,
            // An ext carries a one-byte type after its length.
            MsgPackCode.Ext8 or MsgPackCode.Ext16 or MsgPackCode.Ext32 => 2 + lengthBytes + announced,
            MsgPackCode.Float32 => 5,
            MsgPackCode.Float64 => 9,
            MsgPackCode.UInt8 or MsgPackCode.Int8 => 2,
            MsgPackCode.UInt16 or MsgPackCode.Int16 => 3,
            MsgPackCode.UInt32 or MsgPackCode.Int32 => 5,
            MsgPackCode.UInt64 or MsgPackCode.Int64 => 9,
            MsgPackCode.FixExt1 => 3,
            MsgPackCode.FixExt2 => 4,
            MsgPackCode.FixExt4 => 6,
            MsgPackCode.FixExt8 => 10,
            MsgPackCode.FixExt16 => 18,
            MsgPackCode.Array16 or MsgPackCode.Array32 or MsgPackCode.Map16 or MsgPackCode.Map32 => 1 + lengthBytes,
            _ => 0,
        };
        if (size == 0)
        {
            problem = DecodeMessages.NeverUsedCode;
            return false;
        }
        elements = code switch
        {
            MsgPackCode.Array16 or MsgPackCode.Array32 => announced,
            MsgPackCode.Map16 or MsgPackCode.Map32 => 2 * announced,
            _ => 0,
        };
        return true;
    }

    /// <summary>
    /// Decodes any integer encoding. A negative value comes back as its two's complement in
    /// <paramref name="bits"/> with <paramref name="negative"/> set; otherwise <paramref name="bits"/> is the value.
    /// </summary>
    private bool TryReadInteger(out ulong bits, out bool negative)
    {
        int start = _position;
        ReadOnlySpan<byte> rest = _buffer.Slice(start);
        bits = 0;
        negative = false;
        if (rest.IsEmpty)
        {
            return Fail(start, DecodeMessages.UnexpectedEnd);
        }
        byte code = rest[0];
        if (code <= MsgPackCode.MaxPositiveFixInt)
        {
            bits = code;
            _position = start + 1;
            return true;
        }
        if (code >= MsgPackCode.MinNegativeFixInt)
        {
            bits = (ulong)(long)(sbyte)code;
            negative = true;
            _position = start + 1;
            return true;
        }
        int size;
        long signed = 0;
        switch (code)
        {
            case MsgPackCode.UInt8 when rest.Length >= 2:
                bits = rest[1];
                size = 2;
                break;
            case MsgPackCode.UInt16 when rest.Length >= 3:
                bits = BinaryPrimitives.ReadUInt16BigEndian(rest.Slice(1));
                size = 3;
                break;
            case MsgPackCode.UInt32 when rest.Length >= 5:
                bits = BinaryPrimitives.ReadUInt32BigEndian(rest.Slice(1));
                size = 5;
                break;
            case MsgPackCode.UInt64 when rest.Length >= 9:
                bits = BinaryPrimitives.ReadUInt64BigEndian(rest.Slice(1));
                size = 9;
                break;
            case MsgPackCode.Int8 when rest.Length >= 2:
                signed = (sbyte)rest[1];
                size = 2;
                break;
            case MsgPackCode.Int16 when rest.Length >= 3:
                signed = BinaryPrimitives.ReadInt16BigEndian(rest.Slice(1));
                size = 3;
                break;
            case MsgPackCode.Int32 when rest.Length >= 5:
                signed = BinaryPrimitives.ReadInt32BigEndian(rest.Slice(1));
                size = 5;
                break;
            case MsgPackCode.Int64 when rest.Length >= 9:
                signed = BinaryPrimitives.ReadInt64BigEndian(rest.Slice(1));
                size = 9;
                break;
            case >= MsgPackCode.UInt8 and <= MsgPackCode.Int64:
                // An integer marker whose payload is cut off.
                return Fail(start, DecodeMessages.UnexpectedEnd);
            default:
                return Fail(start, DecodeMessages.ExpectedInteger);
        }
        if (code >= MsgPackCode.Int8)
        {
            bits = (ulong)signed;
        }
        negative = signed < 0;
        _position = start + size;
        return true;
    }
}
