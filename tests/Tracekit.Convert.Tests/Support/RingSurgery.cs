using System.Buffers.Binary;
using System.Numerics;

namespace Tracekit.Convert.Tests.Support;

/// <summary>Damages closed segment files the way crashes and bad disks do (docs/ring-format.md offsets).</summary>
public static class RingSurgery
{
    public const int HeaderSizeInBytes = 4096;
    private const int HeadPositionOffset = 512;
    private const int ClosedFlagOffset = 704;
    private const int ClockSyncStateOffset = 48;
    private const int ClockStatusOffset = 52;
    private const int ClockMaxErrorNsOffset = 64;
    private const int ClockEstErrorNsOffset = 72;
    private const int HeaderChecksumOffset = 240;

    /// <summary>File offsets of the record frames of a no-loss segment, in order.</summary>
    public static List<long> RecordFrameOffsets(string segmentPath)
    {
        byte[] file = File.ReadAllBytes(segmentPath);
        long head = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(HeadPositionOffset));
        var offsets = new List<long>();
        long position = 0;
        while (position < head && HeaderSizeInBytes + position + 16 <= file.Length)
        {
            long commit = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan((int)(HeaderSizeInBytes + position)));
            if (commit == 0)
            {
                break;
            }

            int length = (int)(commit & 0xFFFFFF);
            if (((commit >> 24) & 0xFF) == 1)
            {
                offsets.Add(HeaderSizeInBytes + position);
            }

            position += (length + 31) & ~15;
        }

        return offsets;
    }

    /// <summary>A bit flip inside a committed payload: its CRC no longer matches (corruption, not a crash).</summary>
    public static void FlipPayloadByte(string segmentPath, long frameFileOffset) =>
        Patch(segmentPath, frameFileOffset + 16 + 1, static b => (byte)(b ^ 0xFF));

    /// <summary>What SIGKILL mid-append leaves: space reserved past the last frame, never committed, ring not closed.</summary>
    public static long SimulateCrashWithReservedTail(string segmentPath, int reservedBytes)
    {
        using var file = new FileStream(segmentPath, FileMode.Open, FileAccess.ReadWrite);
        Span<byte> word = stackalloc byte[8];
        file.Position = HeadPositionOffset;
        file.ReadExactly(word);
        long head = BinaryPrimitives.ReadInt64LittleEndian(word);
        BinaryPrimitives.WriteInt64LittleEndian(word, head + reservedBytes);
        file.Position = HeadPositionOffset;
        file.Write(word);
        word.Clear();
        file.Position = ClosedFlagOffset;
        file.Write(word);
        return HeaderSizeInBytes + head;
    }

    /// <summary>A flipped byte in the checksummed part of the header (the run id field).</summary>
    public static void CorruptHeader(string segmentPath) => Patch(segmentPath, 100, static b => (byte)(b ^ 0x5A));

    /// <summary>
    /// Rewrites the creation clock state of a header (and its CRC-32C): the writer stores this machine's adjtimex
    /// reading there, which is often unsynchronized on CI machines and would decide any clock bound a test asserts.
    /// </summary>
    public static void SetHeaderClock(string segmentPath, long maxErrorNs, int syncState = 0, int status = 0)
    {
        using var file = new FileStream(segmentPath, FileMode.Open, FileAccess.ReadWrite);
        byte[] header = new byte[HeaderChecksumOffset + 4];
        file.ReadExactly(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(ClockSyncStateOffset), syncState);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(ClockStatusOffset), status);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(ClockMaxErrorNsOffset), maxErrorNs);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(ClockEstErrorNsOffset), maxErrorNs / 10);
        uint crc = ~0u;
        foreach (byte b in header.AsSpan(0, HeaderChecksumOffset))
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(HeaderChecksumOffset), ~crc);
        file.Position = 0;
        file.Write(header);
    }

    private static void Patch(string path, long offset, Func<byte, byte> change)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        int value = file.ReadByte();
        file.Position = offset;
        file.WriteByte(change((byte)value));
    }
}
