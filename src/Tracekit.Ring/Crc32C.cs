using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tracekit.Ring;

/// <summary>
/// CRC-32C (Castagnoli; reflected, initial value and final xor 0xFFFFFFFF, as in iSCSI), using the CPU's crc32
/// instruction through <see cref="BitOperations.Crc32C(uint, ulong)"/> (a software fallback where there is none).
/// </summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(~0u, data);

    /// <summary>The frame checksum: the 8 little-endian bytes of the position stamp, then the payload.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ComputeFrame(long positionStamp, ReadOnlySpan<byte> payload) =>
        ~Update(BitOperations.Crc32C(~0u, (ulong)positionStamp), payload);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        ref byte start = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
        nuint i = 0;
        for (; i + 8 <= length; i += 8)
            crc = BitOperations.Crc32C(crc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i)));
        if (i + 4 <= length)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, i)));
            i += 4;
        }
        if (i + 2 <= length)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref start, i)));
            i += 2;
        }
        if (i < length) crc = BitOperations.Crc32C(crc, Unsafe.Add(ref start, i));
        return crc;
    }
}
