using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tracekit.Convert.Output;

/// <summary>
/// Formats one whole property, <c>,"name":value</c>, into a span, for values that several rows share: formatted
/// once, then copied into each row with <see cref="JsonRow.Raw"/>. Numbers only: strings go through
/// <see cref="JsonRow.String(JsonName, string?)"/> (System.Text.Json escapes them).
/// </summary>
public static class JsonFragment
{
    /// <summary>Enough for any name of the CCTF files (at most 24 bytes with its quotes) and any number.</summary>
    public const int MaxLengthInBytes = 64;

    /// <summary>A buffer this long lets <see cref="JsonRow.Raw(ReadOnlySpan{byte}, int)"/> copy a fragment with fixed-size moves.</summary>
    public const int PaddedLengthInBytes = 64;

    /// <summary>A copy of <paramref name="fragment"/> in an array of at least <see cref="PaddedLengthInBytes"/> (zero padded).</summary>
    public static byte[] Padded(ReadOnlySpan<byte> fragment)
    {
        var padded = new byte[Math.Max(fragment.Length, PaddedLengthInBytes)];
        fragment.CopyTo(padded);
        return padded;
    }

    /// <summary>
    /// Copies the first <paramref name="length"/> bytes of <paramref name="padded"/> to <paramref name="row"/> at
    /// <paramref name="position"/> and advances it. When <paramref name="padded"/> holds at least
    /// <see cref="PaddedLengthInBytes"/> bytes and the fragment fits in them, the copy is two fixed 32-byte moves
    /// instead of a variable-length memmove: rows are made of many short fragments, and those calls were the largest
    /// single cost. The bytes past the fragment land in free space (the caller reserved
    /// <see cref="PaddedLengthInBytes"/> per fragment) and are overwritten by the next one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(Span<byte> row, ref int position, ReadOnlySpan<byte> padded, int length)
    {
        if (length <= PaddedLengthInBytes && padded.Length >= PaddedLengthInBytes)
        {
            Vector256.Create(padded).CopyTo(row[position..]);
            Vector256.Create(padded[32..]).CopyTo(row[(position + 32)..]);
        }
        else
        {
            padded[..length].CopyTo(row[position..]);
        }

        position += length;
    }

    /// <returns>The length written; <paramref name="destination"/> must hold the prefix plus 20 bytes.</returns>
    public static int Write(Span<byte> destination, JsonName name, long value)
    {
        int length = WritePrefix(destination, name);
        return length + DecimalDigits.Write(destination[length..], value);
    }

    public static int Write(Span<byte> destination, JsonName name, ulong value)
    {
        int length = WritePrefix(destination, name);
        return length + DecimalDigits.Write(destination[length..], value);
    }

    /// <summary>A ns duration as exact decimal ms (<see cref="MillisecondsFormatter"/>).</summary>
    public static int WriteMsFromNs(Span<byte> destination, JsonName name, long durationNs)
    {
        int length = WritePrefix(destination, name);
        return length + MillisecondsFormatter.Format(durationNs, destination[length..]);
    }

    /// <summary>
    /// <c>,"name":</c>; one fixed 32-byte move when the name and the destination allow it (the bytes past the
    /// prefix are overwritten by the value).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WritePrefix(Span<byte> destination, JsonName name)
    {
        ReadOnlySpan<byte> padded = name.PaddedPrefix;
        int length = name.Prefix.Length;
        if (length <= JsonName.PaddedLengthInBytes && destination.Length >= JsonName.PaddedLengthInBytes)
        {
            Vector256.Create(padded).CopyTo(destination);
        }
        else
        {
            padded[..length].CopyTo(destination);
        }

        return length;
    }
}
