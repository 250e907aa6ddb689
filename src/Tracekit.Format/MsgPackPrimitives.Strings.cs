using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Tracekit.Format;

// String writes: UTF-8 straight into the destination, never through a temporary array.
public static partial class MsgPackPrimitives
{
    /// <summary>Writes already-encoded UTF-8 as a str; the bytes are not validated.</summary>
    public static bool TryWriteStringUtf8(Span<byte> destination, ReadOnlySpan<byte> utf8, out int bytesWritten)
    {
        int headerSize = GetStringHeaderSize(utf8.Length);
        if (destination.Length - headerSize < utf8.Length)
        {
            bytesWritten = 0;
            return false;
        }
        WriteStringHeaderUnchecked(destination, utf8.Length);
        utf8.CopyTo(destination.Slice(headerSize));
        bytesWritten = headerSize + utf8.Length;
        return true;
    }

    /// <summary>
    /// Writes a string as UTF-8 (nil when null) without allocating. Lone surrogates become U+FFFD, as
    /// <see cref="Encoding.UTF8"/> does everywhere.
    /// </summary>
    public static bool TryWriteString(Span<byte> destination, string? value, out int bytesWritten)
    {
        if (value is null)
        {
            return TryWriteNil(destination, out bytesWritten);
        }
        ReadOnlySpan<char> chars = value;
        // A UTF-16 char never takes more than 3 UTF-8 bytes. A string that surely fits a fixstr is encoded in one
        // pass after a 1-byte header; one that surely fits a str8 is encoded after a 2-byte header and moved
        // down a byte if it turned out short enough for a fixstr. Both skip the counting pass.
        const int MaxUtf8BytesPerChar = 3;
        long worstCase = (long)chars.Length * MaxUtf8BytesPerChar;
        if (worstCase <= MsgPackCode.MaxFixStrLength && destination.Length > worstCase)
        {
            int written = Encoding.UTF8.GetBytes(chars, destination.Slice(1));
            destination[0] = (byte)(MsgPackCode.MinFixStr | written);
            bytesWritten = 1 + written;
            return true;
        }
        if (worstCase <= byte.MaxValue && destination.Length >= 2 + worstCase)
        {
            int written = Encoding.UTF8.GetBytes(chars, destination.Slice(2));
            if (written <= MsgPackCode.MaxFixStrLength)
            {
                destination.Slice(2, written).CopyTo(destination.Slice(1));
                destination[0] = (byte)(MsgPackCode.MinFixStr | written);
                bytesWritten = 1 + written;
                return true;
            }
            destination[1] = (byte)written;
            destination[0] = MsgPackCode.Str8;
            bytesWritten = 2 + written;
            return true;
        }
        return TryWriteStringCounted(destination, chars, out bytesWritten);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryWriteStringCounted(Span<byte> destination, ReadOnlySpan<char> chars, out int bytesWritten)
    {
        int byteCount = Encoding.UTF8.GetByteCount(chars);
        int headerSize = GetStringHeaderSize(byteCount);
        if (destination.Length - headerSize < byteCount)
        {
            bytesWritten = 0;
            return false;
        }
        int written = Encoding.UTF8.GetBytes(chars, destination.Slice(headerSize));
        WriteStringHeaderUnchecked(destination, written);
        bytesWritten = headerSize + written;
        return true;
    }

    public static int GetStringHeaderSize(int byteCount) =>
        byteCount <= MsgPackCode.MaxFixStrLength ? 1
        : byteCount <= byte.MaxValue ? 2
        : byteCount <= ushort.MaxValue ? 3
        : 5;

    private static void WriteStringHeaderUnchecked(Span<byte> destination, int byteCount)
    {
        if (byteCount <= MsgPackCode.MaxFixStrLength)
        {
            destination[0] = (byte)(MsgPackCode.MinFixStr | byteCount);
        }
        else if (byteCount <= byte.MaxValue)
        {
            destination[1] = (byte)byteCount;
            destination[0] = MsgPackCode.Str8;
        }
        else if (byteCount <= ushort.MaxValue)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(1), (ushort)byteCount);
            destination[0] = MsgPackCode.Str16;
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(1), (uint)byteCount);
            destination[0] = MsgPackCode.Str32;
        }
    }
}
