namespace Tracekit.Ring;

/// <summary>Byte offsets and constants of docs/ring-format.md sections 2 and 3 (pinned by LayoutTests).</summary>
internal static class RingLayout
{
    public const int FormatVersion = 1;
    public const int HeaderSizeInBytes = 4096;

    public const int MagicOffset = 0;
    public const int FormatVersionOffset = 8;
    public const int HeaderSizeOffset = 12;
    public const int CapacityOffset = 16;
    public const int PolicyOffset = 24;
    public const int SegmentIndexOffset = 28;
    public const int CreatedRealtimeNsOffset = 32;
    public const int CreatedMonotonicNsOffset = 40;
    public const int ClockSyncStateOffset = 48;
    public const int ClockStatusOffset = 52;
    public const int ClockOffsetNsOffset = 56;
    public const int ClockMaxErrorNsOffset = 64;
    public const int ClockEstErrorNsOffset = 72;
    public const int RunIdOffset = 80;
    public const int RunIdSizeInBytes = 64;
    public const int NodeIdOffset = 144;
    public const int NodeIdSizeInBytes = 64;
    public const int StageOffset = 208;
    public const int StageSizeInBytes = 32;
    public const int HeaderChecksumOffset = 240;
    public const int ChecksummedLengthInBytes = 240;

    // Counters: one 64-byte cache line each, so producers bumping one do not slow those bumping another.
    public const int HeadPositionOffset = 512;
    public const int DroppedRecordsOffset = 576;
    public const int OverwrittenRecordsOffset = 640;
    public const int ClosedFlagOffset = 704;

    public const int FrameHeaderSizeInBytes = 16;
    public const int FrameAlignment = 16;
    public const int StampOffsetInFrame = 8;
    public const int FrameTypeNone = 0;
    public const int FrameTypeRecord = 1;
    public const int FrameTypePadding = 2;
    public const int MaxLengthField = 0xFFFFFF;

    public const long MinCapacityInBytes = 64 * 1024;
    public const long MaxCapacityInBytes = 1L << 30;

    /// <summary>ASCII "TKRING\r\n".</summary>
    public static ReadOnlySpan<byte> Magic => "TKRING\r\n"u8;

    /// <summary>16-byte frame header plus the payload rounded up to 16.</summary>
    public static int FrameLength(int payloadLengthInBytes) => (payloadLengthInBytes + 31) & ~15;

    public static long CommitWord(uint crc, int frameType, int payloadLengthInBytes) =>
        (long)(((ulong)crc << 32) | ((uint)frameType << 24) | (uint)payloadLengthInBytes);

    public static int LengthOf(long commitWord) => (int)(commitWord & MaxLengthField);

    public static int TypeOf(long commitWord) => (int)((commitWord >> 24) & 0xFF);

    public static uint CrcOf(long commitWord) => (uint)((ulong)commitWord >> 32);

    /// <summary>Largest payload: fits the 24-bit length and a quarter of the data area (so padding always ends).</summary>
    public static int MaxPayloadLength(long capacityInBytes) =>
        (int)Math.Min(MaxLengthField, (capacityInBytes / 4) - FrameHeaderSizeInBytes);

    public static bool IsValidCapacity(long capacityInBytes) =>
        capacityInBytes >= MinCapacityInBytes && capacityInBytes <= MaxCapacityInBytes
        && (capacityInBytes & (capacityInBytes - 1)) == 0;
}
