using System.Buffers.Binary;
using System.Text;
using Tracekit.Native;
using L = Tracekit.Ring.RingLayout;

namespace Tracekit.Ring;

/// <summary>Writes and validates the immutable part of a segment header (bytes 0..243).</summary>
internal static class RingHeader
{
    public static void Write(Span<byte> header, RingOptions options, int segmentIndex)
    {
        // Realtime then monotonic, back to back: the pair is the creation clock anchor.
        long realtimeNs = Libc.ClockGetTimeNs(ClockId.Realtime);
        long monotonicNs = Libc.ClockGetTimeNs(ClockId.Monotonic);
        ClockSyncInfo sync = Libc.ReadClockSync();

        header[..L.HeaderSizeInBytes].Clear();
        L.Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[L.FormatVersionOffset..], L.FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(header[L.HeaderSizeOffset..], L.HeaderSizeInBytes);
        BinaryPrimitives.WriteInt64LittleEndian(header[L.CapacityOffset..], options.SegmentCapacityInBytes);
        BinaryPrimitives.WriteInt32LittleEndian(header[L.PolicyOffset..], (int)options.Policy);
        BinaryPrimitives.WriteInt32LittleEndian(header[L.SegmentIndexOffset..], segmentIndex);
        BinaryPrimitives.WriteInt64LittleEndian(header[L.CreatedRealtimeNsOffset..], realtimeNs);
        BinaryPrimitives.WriteInt64LittleEndian(header[L.CreatedMonotonicNsOffset..], monotonicNs);
        BinaryPrimitives.WriteInt32LittleEndian(header[L.ClockSyncStateOffset..], sync.State);
        BinaryPrimitives.WriteInt32LittleEndian(header[L.ClockStatusOffset..], sync.Status);
        BinaryPrimitives.WriteInt64LittleEndian(header[L.ClockOffsetNsOffset..], sync.OffsetNs);
        BinaryPrimitives.WriteInt64LittleEndian(header[L.ClockMaxErrorNsOffset..], sync.MaxErrorNs);
        BinaryPrimitives.WriteInt64LittleEndian(header[L.ClockEstErrorNsOffset..], sync.EstErrorNs);
        Encoding.UTF8.GetBytes(options.RunId, header.Slice(L.RunIdOffset, L.RunIdSizeInBytes - 1));
        Encoding.UTF8.GetBytes(options.NodeId, header.Slice(L.NodeIdOffset, L.NodeIdSizeInBytes - 1));
        Encoding.UTF8.GetBytes(options.Stage, header.Slice(L.StageOffset, L.StageSizeInBytes - 1));
        uint checksum = Crc32C.Compute(header[..L.ChecksummedLengthInBytes]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[L.HeaderChecksumOffset..], checksum);
    }

    /// <summary>Checks every rule of docs/ring-format.md section 2 and returns the header's immutable fields.</summary>
    /// <exception cref="RingFormatException">With the offset of the first field that is wrong.</exception>
    public static RingHeaderInfo Read(ReadOnlySpan<byte> file, long fileLengthInBytes, string path)
    {
        if (fileLengthInBytes < L.HeaderSizeInBytes || file.Length < L.HeaderSizeInBytes)
            throw new RingFormatException(path, fileLengthInBytes,
                $"the file is {fileLengthInBytes:N0} bytes long, shorter than the {L.HeaderSizeInBytes:N0}-byte header.");
        if (!file[..8].SequenceEqual(L.Magic))
            throw new RingFormatException(path, L.MagicOffset,
                $"bad magic {Convert.ToHexString(file[..8])} (expected {Convert.ToHexString(L.Magic)}, \"TKRING\\r\\n\"): not a Tracekit ring segment.");
        int version = BinaryPrimitives.ReadInt32LittleEndian(file[L.FormatVersionOffset..]);
        if (version != L.FormatVersion)
            throw new RingFormatException(path, L.FormatVersionOffset, $"format version {version} is not supported (this reader knows version {L.FormatVersion}).");
        int headerSize = BinaryPrimitives.ReadInt32LittleEndian(file[L.HeaderSizeOffset..]);
        if (headerSize != L.HeaderSizeInBytes)
            throw new RingFormatException(path, L.HeaderSizeOffset, $"header size {headerSize} is not {L.HeaderSizeInBytes}.");
        long capacity = BinaryPrimitives.ReadInt64LittleEndian(file[L.CapacityOffset..]);
        if (!L.IsValidCapacity(capacity))
            throw new RingFormatException(path, L.CapacityOffset, $"capacity {capacity} is not a power of two from 64 KiB to 1 GiB.");
        int policy = BinaryPrimitives.ReadInt32LittleEndian(file[L.PolicyOffset..]);
        if (policy is not (0 or 1))
            throw new RingFormatException(path, L.PolicyOffset, $"policy {policy} is neither 0 (no-loss) nor 1 (overwrite).");
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(file[L.HeaderChecksumOffset..]);
        uint computed = Crc32C.Compute(file[..L.ChecksummedLengthInBytes]);
        if (stored != computed)
            throw new RingFormatException(path, L.HeaderChecksumOffset,
                $"header checksum 0x{stored:X8} does not match the CRC-32C 0x{computed:X8} of bytes 0..239: the header is damaged.");
        return new RingHeaderInfo
        {
            FilePath = path,
            FormatVersion = version,
            CapacityInBytes = capacity,
            Policy = (RingPolicy)policy,
            SegmentIndex = BinaryPrimitives.ReadInt32LittleEndian(file[L.SegmentIndexOffset..]),
            CreatedRealtimeNs = BinaryPrimitives.ReadInt64LittleEndian(file[L.CreatedRealtimeNsOffset..]),
            CreatedMonotonicNs = BinaryPrimitives.ReadInt64LittleEndian(file[L.CreatedMonotonicNsOffset..]),
            ClockSyncState = BinaryPrimitives.ReadInt32LittleEndian(file[L.ClockSyncStateOffset..]),
            ClockStatus = BinaryPrimitives.ReadInt32LittleEndian(file[L.ClockStatusOffset..]),
            ClockOffsetNs = BinaryPrimitives.ReadInt64LittleEndian(file[L.ClockOffsetNsOffset..]),
            ClockMaxErrorNs = BinaryPrimitives.ReadInt64LittleEndian(file[L.ClockMaxErrorNsOffset..]),
            ClockEstErrorNs = BinaryPrimitives.ReadInt64LittleEndian(file[L.ClockEstErrorNsOffset..]),
            RunId = ReadString(file.Slice(L.RunIdOffset, L.RunIdSizeInBytes)),
            NodeId = ReadString(file.Slice(L.NodeIdOffset, L.NodeIdSizeInBytes)),
            Stage = ReadString(file.Slice(L.StageOffset, L.StageSizeInBytes)),
        };
    }

    private static string ReadString(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }
}
