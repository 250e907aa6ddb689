using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tracekit.Native;
using L = Tracekit.Ring.RingLayout;

namespace Tracekit.Ring;

/// <summary>
/// The producer side of a ring (docs/ring-format.md 3.2). <see cref="TryAppend"/> is thread-safe and lock-free:
/// one atomic add reserves a frame, the payload is copied, and a release store of the commit word publishes it.
/// <see cref="Dispose"/> must not run while other threads are still appending (it unmaps the segments).
/// </summary>
public sealed partial class RingWriter : IDisposable
{
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode SegmentMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly RingOptions _options;
    private readonly FileLock _folderLock;
    private readonly int _maxPayloadLength;
    private readonly Lock _segmentsGate = new();
    private readonly List<WriterSegment> _segments = [];
    private WriterSegment? _current; // null once disposed
    private bool _disposed; // guarded by _segmentsGate
    private string? _fullReason;
    private bool _fullAtSizeLimit;
    private long _finalDroppedRecords;
    private long _finalOverwrittenRecords;

    private RingWriter(RingOptions options, string directory, FileLock folderLock)
    {
        _options = options;
        DirectoryPath = directory;
        _folderLock = folderLock;
        _maxPayloadLength = L.MaxPayloadLength(options.SegmentCapacityInBytes);
        _lapBatchInBytes = Math.Min(options.SegmentCapacityInBytes / 8, 256 * 1024);
        _pendingRecordPositions = new long[(int)(_lapBatchInBytes / L.FrameAlignment) + 16];
    }

    public string DirectoryPath { get; }

    public RingPolicy Policy => _options.Policy;

    /// <summary>The largest payload <see cref="TryAppend"/> accepts: min(16 MiB − 1, capacity / 4 − 16).</summary>
    public int MaxPayloadLengthInBytes => _maxPayloadLength;

    /// <summary>Records refused because the no-loss ring is full (the last segment's header counter).</summary>
    public long DroppedRecords
    {
        get
        {
            lock (_segmentsGate) // Dispose unmaps under the same lock
            {
                if (_disposed) return _finalDroppedRecords;
                ref byte header = ref _segments[^1].Map.Reference;
                return Volatile.Read(ref WriterSegment.Word(ref header, L.DroppedRecordsOffset)); // acquire: latest count
            }
        }
    }

    /// <summary>
    /// Committed records destroyed by a later lap (overwrite). Exact once producers are quiet; while they run
    /// it may lag by up to one lap-walker batch (min(capacity / 8, 256 KiB) of frames).
    /// </summary>
    public long OverwrittenRecords
    {
        get
        {
            lock (_segmentsGate) // Dispose unmaps under the same lock
            {
                if (_disposed) return _finalOverwrittenRecords;
                WriterSegment segment = _segments[^1];
                if (_options.Policy == RingPolicy.Overwrite) SettleLapCount(segment, wait: false);
                ref byte header = ref segment.Map.Reference;
                return Volatile.Read(ref WriterSegment.Word(ref header, L.OverwrittenRecordsOffset)); // acquire: latest count
            }
        }
    }

    public int SegmentCount
    {
        get { lock (_segmentsGate) return _segments.Count; }
    }

    public string CurrentSegmentPath => LastSegment.Path;

    /// <summary>Why a no-loss ring stopped accepting records (max size reached, or a segment could not be created); null while it accepts.</summary>
    public string? FullReason => Volatile.Read(ref _fullReason);

    /// <summary>
    /// Whether the ring stopped at --max-size, the limit its owner chose, rather than because a segment could not
    /// be created (a full disk, a quota, permissions): the first is the policy working, the second lost data.
    /// </summary>
    public bool FullAtSizeLimit => Volatile.Read(ref _fullAtSizeLimit);

    private WriterSegment LastSegment
    {
        get
        {
            lock (_segmentsGate) return _segments[^1];
        }
    }

    /// <summary>
    /// Creates the folder (0700) if missing and the first segment (0600, space reserved). Refuses a folder that
    /// already holds a ring, so an old ring is never clobbered.
    /// </summary>
    /// <exception cref="IOException">A ring exists there, another writer holds the folder, or the disk is too full.</exception>
    public static RingWriter Create(RingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("Tracekit rings need Linux (mmap, fallocate, flock).");
        options.Validate();
        string directory = Path.GetFullPath(options.DirectoryPath);
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, FolderMode);
            File.SetUnixFileMode(directory, FolderMode); // exact mode whatever the umask
        }
        string? existing = Directory.EnumerateFiles(directory, RingSegmentFiles.SearchPattern).FirstOrDefault();
        if (existing is not null)
            throw new IOException($"A ring already exists in '{directory}' ({Path.GetFileName(existing)}); refusing to overwrite it. Use a new folder.");
        FileLock folderLock = FileLock.TryAcquireExclusive(directory)
            ?? throw new IOException($"Another ring writer holds the folder '{directory}'.");
        var writer = new RingWriter(options, directory, folderLock);
        try
        {
            WriterSegment first = writer.CreateSegment(0);
            if (options.Policy == RingPolicy.Overwrite) first.SlowPathTrigger = first.Capacity - (writer._lapBatchInBytes / 2);
            writer._segments.Add(first);
            Volatile.Write(ref writer._current, first); // release: the segment is fully built before any producer sees it
            return writer;
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Appends one record. Returns false only when a full no-loss ring dropped it (counted in <see cref="DroppedRecords"/>).
    /// Allocation-free and lock-free; safe to call from any number of threads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryAppend(ReadOnlySpan<byte> payload)
    {
        if ((uint)payload.Length > (uint)_maxPayloadLength) ThrowPayloadTooLarge(payload.Length);
        int frameLength = L.FrameLength(payload.Length);
        // Acquire: pairs with the release that published the segment, so its fields and mapping are initialised.
        WriterSegment? segment = Volatile.Read(ref _current);
        if (segment is null) ThrowDisposed();
        ref byte header = ref segment.Map.Reference;
        // The reservation: the only atomic read-modify-write of the fast path (a full fence on x64 and arm64).
        long position = Interlocked.Add(ref WriterSegment.Word(ref header, L.HeadPositionOffset), frameLength) - frameLength;
        // Acquire: pairs with the lap walker's release, so the frames we are about to overwrite are committed and counted.
        if (position + frameLength > Volatile.Read(ref segment.SlowPathTrigger)
            || ((int)position & segment.OffsetMask) + frameLength > segment.CapacityInt)
            return AppendSlow(segment, position, frameLength, payload);
        WriteRecord(ref header, segment, position, payload);
        return true;
    }

    /// <summary>msync of every segment: the data reaches the disk, not only the page cache.</summary>
    public void Flush()
    {
        lock (_segmentsGate) // Dispose unmaps under the same lock
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_options.Policy == RingPolicy.Overwrite) SettleLapCount(_segments[^1], wait: true);
            foreach (WriterSegment segment in _segments) segment.Map.Flush(wait: true);
        }
    }

    /// <summary>Sets closedFlag = 1 in every segment, flushes (msync) and unmaps. Producers must have stopped.</summary>
    public void Dispose()
    {
        lock (_segmentsGate)
        {
            if (_disposed) return;
            Volatile.Write(ref _current, null); // release: a later TryAppend sees null and throws instead of touching an unmapped segment
            WriterSegment last = _segments[^1];
            if (_options.Policy == RingPolicy.Overwrite) SettleLapCount(last, wait: true);
            ref byte lastHeader = ref last.Map.Reference;
            _finalDroppedRecords = Volatile.Read(ref WriterSegment.Word(ref lastHeader, L.DroppedRecordsOffset)); // acquire: final count
            _finalOverwrittenRecords = Volatile.Read(ref WriterSegment.Word(ref lastHeader, L.OverwrittenRecordsOffset)); // acquire: final count
            _disposed = true; // under the lock: property getters see the final values with it
            try
            {
                foreach (WriterSegment segment in _segments)
                {
                    ref byte header = ref segment.Map.Reference;
                    // Release: every frame and counter stored before is visible to a reader that sees closedFlag = 1.
                    Volatile.Write(ref WriterSegment.Word(ref header, L.ClosedFlagOffset), 1L);
                    segment.Map.Flush(wait: true);
                }
            }
            finally
            {
                foreach (WriterSegment segment in _segments) segment.Map.Dispose();
                _folderLock.Dispose();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteRecord(ref byte header, WriterSegment segment, long position, ReadOnlySpan<byte> payload)
    {
        ref byte frame = ref segment.FrameAt(ref header, position);
        // Clear the slot's commit word first. In an overwrite ring it holds an earlier lap's bytes; a producer killed
        // between the stamp and the commit word below would otherwise leave a slot whose stamp claims this position
        // beside a stale commit word, which a reader cannot tell from corruption. Cleared, every crash state reads
        // as uncommitted (ring-format.md 3.2, 3.3). The stamp's release store below orders this store before it.
        Unsafe.As<byte, long>(ref frame) = 0;
        payload.CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref frame, L.FrameHeaderSizeInBytes), payload.Length));
        uint crc = Crc32C.ComputeFrame(position, payload);
        // Release: the payload is stored before the stamp, so a slot whose stamp claims this position holds our
        // bytes (an overwritten slot keeps the earlier lap's stamp until then; see ring-format.md 3.2).
        Volatile.Write(ref Unsafe.As<byte, long>(ref Unsafe.Add(ref frame, L.StampOffsetInFrame)), position);
        // Release: the stamp and payload are visible to any reader whose acquire load sees this word.
        Volatile.Write(ref Unsafe.As<byte, long>(ref frame), L.CommitWord(crc, L.FrameTypeRecord, payload.Length));
    }

    /// <summary>Writes a padding frame covering [start, end): readers and the lap walker skip it whole.</summary>
    private static void WritePadding(WriterSegment segment, long start, long end)
    {
        ref byte header = ref segment.Map.Reference;
        ref byte frame = ref segment.FrameAt(ref header, start);
        Unsafe.As<byte, long>(ref frame) = 0; // as in WriteRecord: a crash before the commit word leaves "uncommitted"
        uint crc = Crc32C.ComputeFrame(start, []);
        int length = (int)(end - start) - L.FrameHeaderSizeInBytes;
        Volatile.Write(ref Unsafe.As<byte, long>(ref Unsafe.Add(ref frame, L.StampOffsetInFrame)), start); // release, as in WriteRecord
        // Release: the stamp is visible before the padding frame is.
        Volatile.Write(ref Unsafe.As<byte, long>(ref frame), L.CommitWord(crc, L.FrameTypePadding, length));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AppendSlow(WriterSegment segment, long position, int frameLength, ReadOnlySpan<byte> payload) =>
        _options.Policy == RingPolicy.NoLoss
            ? AppendSlowNoLoss(segment, position, frameLength, payload)
            : AppendSlowOverwrite(segment, position, frameLength, payload);

    private WriterSegment CreateSegment(int index)
    {
        string path = Path.Combine(DirectoryPath, RingSegmentFiles.SegmentFileName(index));
        RingOptions options = _options;
        MappedFile map = MappedFile.CreateNew(path, options.SegmentFileSizeInBytes, SegmentMode,
            span => RingHeader.Write(span, options, index));
        return new WriterSegment(map, index, options.SegmentCapacityInBytes);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowPayloadTooLarge(int length) =>
        throw new ArgumentOutOfRangeException("payload", length, $"A payload is at most {_maxPayloadLength:N0} bytes for this ring.");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowDisposed() => throw new ObjectDisposedException(nameof(RingWriter));
}
