using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Tracekit.Format;

/// <summary>
/// Integer reads over a span and a position local, for hot decode paths. They keep no error state, so after
/// inlining the position stays in a register; on anything unusual (another type, a truncated value, a value
/// that does not fit) they return false and the caller retries with <see cref="MsgPackReader"/>, which
/// produces the precise error. They must therefore accept exactly what the reader accepts, with equal values.
/// </summary>
internal static class MsgPackScalars
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryReadUInt64(ReadOnlySpan<byte> buffer, ref int position, out ulong value)
    {
        int start = position;
        if ((uint)start < (uint)buffer.Length)
        {
            byte code = buffer[start];
            if (code <= MsgPackCode.MaxPositiveFixInt)
            {
                value = code;
                position = start + 1;
                return true;
            }
            // uint8..uint64 are 0xcc..0xcf: the payload is 1 << (code - 0xcc) big-endian bytes.
            uint sizeLog2 = (uint)(code - MsgPackCode.UInt8);
            int payloadBytes = 1 << (int)(sizeLog2 & 3);
            if (sizeLog2 <= 3 && payloadBytes < buffer.Length - start)
            {
                ReadOnlySpan<byte> payload = buffer.Slice(start + 1);
                value = sizeLog2 switch
                {
                    0 => payload[0],
                    1 => BinaryPrimitives.ReadUInt16BigEndian(payload),
                    2 => BinaryPrimitives.ReadUInt32BigEndian(payload),
                    _ => BinaryPrimitives.ReadUInt64BigEndian(payload),
                };
                position = start + 1 + payloadBytes;
                return true;
            }
        }
        value = 0;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryReadInt64(ReadOnlySpan<byte> buffer, ref int position, out long value)
    {
        int start = position;
        if ((uint)start < (uint)buffer.Length)
        {
            byte code = buffer[start];
            if (code <= MsgPackCode.MaxPositiveFixInt || code >= MsgPackCode.MinNegativeFixInt)
            {
                // Positive and negative fixints are both the code read as a signed byte.
                value = (sbyte)code;
                position = start + 1;
                return true;
            }
            // 0xcc..0xcf are uint8..uint64 and 0xd0..0xd3 int8..int64: the low two bits give the size.
            uint format = (uint)(code - MsgPackCode.UInt8);
            int payloadBytes = 1 << (int)(format & 3);
            if (format <= 7 && payloadBytes < buffer.Length - start)
            {
                ReadOnlySpan<byte> payload = buffer.Slice(start + 1);
                value = format switch
                {
                    0 => payload[0],
                    1 => BinaryPrimitives.ReadUInt16BigEndian(payload),
                    2 => BinaryPrimitives.ReadUInt32BigEndian(payload),
                    3 => (long)BinaryPrimitives.ReadUInt64BigEndian(payload),
                    4 => (sbyte)payload[0],
                    5 => BinaryPrimitives.ReadInt16BigEndian(payload),
                    6 => BinaryPrimitives.ReadInt32BigEndian(payload),
                    _ => BinaryPrimitives.ReadInt64BigEndian(payload),
                };
                // A uint64 above long.MaxValue reads as negative here: it does not fit.
                if (format != 3 || value >= 0)
                {
                    position = start + 1 + payloadBytes;
                    return true;
                }
            }
        }
        value = 0;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryReadInt32(ReadOnlySpan<byte> buffer, ref int position, out int value)
    {
        int start = position;
        if (TryReadInt64(buffer, ref position, out long wide) && wide >= int.MinValue && wide <= int.MaxValue)
        {
            value = (int)wide;
            return true;
        }
        position = start;
        value = 0;
        return false;
    }
}
