using System.Text;

namespace Tracekit.Ring;

/// <summary>How <see cref="RingWriter.Create"/> lays out a new ring.</summary>
public sealed class RingOptions
{
    public const long DefaultSegmentCapacityInBytes = 16L * 1024 * 1024;

    /// <summary>The ring folder (<c>&lt;out&gt;/&lt;run-id&gt;/&lt;node-id&gt;</c>); created with mode 0700 if missing.</summary>
    public required string DirectoryPath { get; init; }

    /// <summary>Data area of each segment: a power of two from 64 KiB to 1 GiB.</summary>
    public long SegmentCapacityInBytes { get; init; } = DefaultSegmentCapacityInBytes;

    public RingPolicy Policy { get; init; } = RingPolicy.NoLoss;

    /// <summary>No-loss only: total bytes of all segment files (header included); 0 = unlimited.</summary>
    public long MaxTotalSizeInBytes { get; init; }

    /// <summary>At most 63 UTF-8 bytes.</summary>
    public required string RunId { get; init; }

    /// <summary>At most 63 UTF-8 bytes.</summary>
    public required string NodeId { get; init; }

    /// <summary>At most 31 UTF-8 bytes.</summary>
    public required string Stage { get; init; }

    /// <summary>Size of one segment file: header plus data area.</summary>
    public long SegmentFileSizeInBytes => RingLayout.HeaderSizeInBytes + SegmentCapacityInBytes;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(DirectoryPath))
            throw new ArgumentException("DirectoryPath must name a folder.", nameof(DirectoryPath));
        if (!RingLayout.IsValidCapacity(SegmentCapacityInBytes))
            throw new ArgumentOutOfRangeException(nameof(SegmentCapacityInBytes), SegmentCapacityInBytes,
                "The segment capacity must be a power of two from 65,536 (64 KiB) to 1,073,741,824 (1 GiB) bytes.");
        if (Policy is not (RingPolicy.NoLoss or RingPolicy.Overwrite))
            throw new ArgumentOutOfRangeException(nameof(Policy), Policy, "Unknown ring policy.");
        if (MaxTotalSizeInBytes < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxTotalSizeInBytes), MaxTotalSizeInBytes, "Must be 0 (unlimited) or positive.");
        if (MaxTotalSizeInBytes > 0 && Policy != RingPolicy.NoLoss)
            throw new ArgumentException("MaxTotalSizeInBytes applies to the no-loss policy only; an overwrite ring is one segment.", nameof(MaxTotalSizeInBytes));
        if (MaxTotalSizeInBytes > 0 && MaxTotalSizeInBytes < SegmentFileSizeInBytes)
            throw new ArgumentOutOfRangeException(nameof(MaxTotalSizeInBytes), MaxTotalSizeInBytes,
                $"Smaller than one segment file ({SegmentFileSizeInBytes:N0} bytes).");
        ValidateId(RunId, RingLayout.RunIdSizeInBytes - 1, nameof(RunId));
        ValidateId(NodeId, RingLayout.NodeIdSizeInBytes - 1, nameof(NodeId));
        ValidateId(Stage, RingLayout.StageSizeInBytes - 1, nameof(Stage));
    }

    private static void ValidateId(string value, int maxBytes, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.Contains('\0')) throw new ArgumentException("Must not contain NUL characters.", name);
        int bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > maxBytes) throw new ArgumentException($"Is {bytes} UTF-8 bytes; at most {maxBytes} fit in the header.", name);
    }
}
