using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tracekit.Native;
using L = Tracekit.Ring.RingLayout;

namespace Tracekit.Ring;

/// <summary>One segment mapped read-only (PROT_READ: a reader can never modify the file).</summary>
internal sealed class ReaderSegment : IDisposable
{
    // Positions are clamped here so that a damaged headPosition can never overflow position arithmetic.
    private const long MaxSanePosition = 1L << 62;

    private ReaderSegment(MappedFile map, RingHeaderInfo info)
    {
        Map = map;
        Info = info;
        Capacity = info.CapacityInBytes;
        OffsetMask = (int)(Capacity - 1);
        DataBytes = (int)Math.Clamp(map.Length - (long)L.HeaderSizeInBytes, 0, Capacity);
    }

    public MappedFile Map { get; }

    public RingHeaderInfo Info { get; }

    public string Path => Info.FilePath;

    public long Capacity { get; }

    public int OffsetMask { get; }

    /// <summary>Bytes of the data area present in the file (less than the capacity only when it was truncated).</summary>
    public int DataBytes { get; }

    public bool IsTruncated => Map.FileLengthInBytes < L.HeaderSizeInBytes + Capacity;

    public RingPolicy Policy => Info.Policy;

    public ReadOnlySpan<byte> Data => Map.ReadOnlySpan.Slice(L.HeaderSizeInBytes, DataBytes);

    /// <exception cref="RingFormatException">The header breaks a rule of docs/ring-format.md section 2.</exception>
    public static ReaderSegment Open(string path)
    {
        MappedFile map = MappedFile.OpenReadOnly(path);
        try
        {
            RingHeaderInfo info = RingHeader.Read(map.ReadOnlySpan, map.FileLengthInBytes, map.Path);
            return new ReaderSegment(map, info);
        }
        catch
        {
            map.Dispose();
            throw;
        }
    }

    public long ReadHeadPosition() => Math.Clamp(ReadCounter(L.HeadPositionOffset), 0, MaxSanePosition);

    public bool ReadClosed() => ReadCounter(L.ClosedFlagOffset) == 1;

    /// <summary>Acquire load of a header counter: pairs with the writer's atomic updates and release stores.</summary>
    public long ReadCounter(int offset) => Volatile.Read(ref Unsafe.AsRef(in Map.ReadOnlyInt64At(offset)));

    /// <summary>End of the readable positions for the current head: min(head, capacity, data present) in no-loss, head in overwrite.</summary>
    public long ComputeEnd()
    {
        long head = ReadHeadPosition();
        return Policy == RingPolicy.NoLoss ? Math.Min(head, DataBytes) : head;
    }

    public RingHeaderInfo Snapshot() => Info.WithCounters(
        ReadCounter(L.HeadPositionOffset), ReadCounter(L.DroppedRecordsOffset),
        ReadCounter(L.OverwrittenRecordsOffset), ReadClosed());

    /// <summary>Acquire load of a commit word at a data-area offset (bounds-checked).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ReadCommitWord(ReadOnlySpan<byte> data, int offset) =>
        // Acquire: pairs with the producer's release, so the stamp and payload it covers are visible after it.
        Volatile.Read(ref Unsafe.As<byte, long>(ref MemoryMarshal.GetReference(data.Slice(offset, 8))));

    public void Dispose() => Map.Dispose();
}
