using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Tracekit.Format;

/// <summary>
/// MessagePack writes into a span. Each returns false, writing nothing useful, when the value does not fit,
/// so callers can size buffers once and never allocate. Integers always take their smallest encoding, as
/// docs/ring-format.md requires; non-negative signed values use the unsigned formats.
/// </summary>
public static partial class MsgPackPrimitives
{
    /// <summary>The largest encoding of any integer or float64: a marker byte plus 8 bytes.</summary>
    public const int MaxScalarSizeInBytes = 9;

    /// <summary>The largest string header (str32).</summary>
    public const int MaxStringHeaderSizeInBytes = 5;

    public static bool TryWriteNil(Span<byte> destination, out int bytesWritten) =>
        TryWriteCode(destination, MsgPackCode.Nil, out bytesWritten);

    public static bool TryWriteBool(Span<byte> destination, bool value, out int bytesWritten) =>
        TryWriteCode(destination, value ? MsgPackCode.True : MsgPackCode.False, out bytesWritten);

    public static bool TryWriteUInt64(Span<byte> destination, ulong value, out int bytesWritten)
    {
        if (destination.Length >= MaxScalarSizeInBytes)
        {
            bytesWritten = WriteUInt64Unchecked(destination, value);
            return true;
        }
        if (destination.Length < GetUInt64Size(value))
        {
            bytesWritten = 0;
            return false;
        }
        // The size check above is exact, so the unchecked write stays inside the span.
        bytesWritten = WriteUInt64Unchecked(destination, value);
        return true;
    }

    public static bool TryWriteInt64(Span<byte> destination, long value, out int bytesWritten)
    {
        if (destination.Length >= MaxScalarSizeInBytes || destination.Length >= GetInt64Size(value))
        {
            bytesWritten = WriteInt64Unchecked(destination, value);
            return true;
        }
        bytesWritten = 0;
        return false;
    }

    public static bool TryWriteDouble(Span<byte> destination, double value, out int bytesWritten)
    {
        if (destination.Length < MaxScalarSizeInBytes)
        {
            bytesWritten = 0;
            return false;
        }
        BinaryPrimitives.WriteDoubleBigEndian(destination.Slice(1), value);
        destination[0] = MsgPackCode.Float64;
        bytesWritten = MaxScalarSizeInBytes;
        return true;
    }

    public static bool TryWriteArrayHeader(Span<byte> destination, int count, out int bytesWritten)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count <= MsgPackCode.MaxFixArrayCount)
        {
            return TryWriteCode(destination, (byte)(MsgPackCode.MinFixArray | count), out bytesWritten);
        }
        return TryWriteLengthHeader(destination, MsgPackCode.Array16, MsgPackCode.Array32, (uint)count, out bytesWritten);
    }

    public static int GetUInt64Size(ulong value) =>
        value <= MsgPackCode.MaxPositiveFixInt ? 1
        : value <= byte.MaxValue ? 2
        : value <= ushort.MaxValue ? 3
        : value <= uint.MaxValue ? 5
        : 9;

    public static int GetInt64Size(long value) =>
        value >= 0 ? GetUInt64Size((ulong)value)
        : value >= -32 ? 1
        : value >= sbyte.MinValue ? 2
        : value >= short.MinValue ? 3
        : value >= int.MinValue ? 5
        : 9;

    /// <summary>The caller guarantees that <see cref="GetUInt64Size"/> bytes fit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int WriteUInt64Unchecked(Span<byte> destination, ulong value)
    {
        if (value <= MsgPackCode.MaxPositiveFixInt)
        {
            destination[0] = (byte)value;
            return 1;
        }
        return WriteUInt64Marked(destination, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WriteUInt64Marked(Span<byte> destination, ulong value)
    {
        if (value <= byte.MaxValue)
        {
            destination[1] = (byte)value;
            destination[0] = MsgPackCode.UInt8;
            return 2;
        }
        if (value <= ushort.MaxValue)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(1), (ushort)value);
            destination[0] = MsgPackCode.UInt16;
            return 3;
        }
        if (value <= uint.MaxValue)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(1), (uint)value);
            destination[0] = MsgPackCode.UInt32;
            return 5;
        }
        BinaryPrimitives.WriteUInt64BigEndian(destination.Slice(1), value);
        destination[0] = MsgPackCode.UInt64;
        return 9;
    }

    /// <summary>The caller guarantees that <see cref="GetInt64Size"/> bytes fit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int WriteInt64Unchecked(Span<byte> destination, long value)
    {
        if (value >= 0)
        {
            return WriteUInt64Unchecked(destination, (ulong)value);
        }
        return WriteNegative(destination, value);
    }

    private static int WriteNegative(Span<byte> destination, long value)
    {
        if (value >= -32)
        {
            destination[0] = (byte)(sbyte)value;
            return 1;
        }
        if (value >= sbyte.MinValue)
        {
            destination[1] = (byte)(sbyte)value;
            destination[0] = MsgPackCode.Int8;
            return 2;
        }
        if (value >= short.MinValue)
        {
            BinaryPrimitives.WriteInt16BigEndian(destination.Slice(1), (short)value);
            destination[0] = MsgPackCode.Int16;
            return 3;
        }
        if (value >= int.MinValue)
        {
            BinaryPrimitives.WriteInt32BigEndian(destination.Slice(1), (int)value);
            destination[0] = MsgPackCode.Int32;
            return 5;
        }
        BinaryPrimitives.WriteInt64BigEndian(destination.Slice(1), value);
        destination[0] = MsgPackCode.Int64;
        return 9;
    }

    private static bool TryWriteLengthHeader(Span<byte> destination, byte code16, byte code32, uint length, out int bytesWritten)
    {
        if (length <= ushort.MaxValue)
        {
            if (destination.Length < 3)
            {
                bytesWritten = 0;
                return false;
            }
            BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(1), (ushort)length);
            destination[0] = code16;
            bytesWritten = 3;
            return true;
        }
        if (destination.Length < 5)
        {
            bytesWritten = 0;
            return false;
        }
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(1), length);
        destination[0] = code32;
        bytesWritten = 5;
        return true;
    }

    private static bool TryWriteCode(Span<byte> destination, byte code, out int bytesWritten)
    {
        if (destination.IsEmpty)
        {
            bytesWritten = 0;
            return false;
        }
        destination[0] = code;
        bytesWritten = 1;
        return true;
    }
}
