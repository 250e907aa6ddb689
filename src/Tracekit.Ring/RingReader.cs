using System.Diagnostics;
using Tracekit.Native;
using L = Tracekit.Ring.RingLayout;

namespace Tracekit.Ring;

/// <summary>
/// Reads a ring (docs/ring-format.md 3.3): a whole folder of segments in order, or one segment file.
/// Returns only frames that pass every check; every skipped range is listed in <see cref="Damage"/> with its
/// file offset. In follow mode it tails a live ring and tells "nothing yet" (<see cref="RingReadStatus.NotYet"/>)
/// from "writer closed or died" (<see cref="RingReadStatus.End"/>). It never modifies the files (read-only maps).
/// </summary>
public sealed partial class RingReader : IDisposable
{
    private static readonly long LivenessCacheTicks = Stopwatch.Frequency / 50; // re-probe the writer at most every 20 ms

    private readonly string _directory;
    private readonly bool _follow;
    private readonly bool _singleFile;
    private readonly RingHeaderInfo _first;
    private readonly List<RingDamage> _damage = [];
    private ReaderSegment _segment;
    private long _position;
    /// <summary>Where pages were last handed back to the kernel (see <see cref="ReleaseEveryBytes"/>).</summary>
    private long _releasedAtPosition;

    /// <summary>
    /// A mapping's pages stay resident as a reader walks a large segment, so a 1 GiB segment would cost 1 GiB of
    /// RSS. Every this many bytes the reader drops them (MADV_DONTNEED): for a shared file mapping that loses
    /// nothing, later touches read the page cache again, and memory stays bounded whatever the segment size.
    /// </summary>
    private const long ReleaseEveryBytes = 64L << 20;
    private long _end;
    private bool _silentResync;
    private bool _frozen; // overwrite: no writer can change the current segment any more
    private byte[] _copyBuffer = new byte[256];
    private long _lastRecordFileOffset = -1;
    private long _livenessCheckedAt;
    private bool _writerLive;
    /// <summary>Follow mode: the writer was seen closed or dead before the frame now being checked was read.</summary>
    private bool _writerSeenStopped;
    private bool _disposed;

    private RingReader(string directory, bool follow, bool singleFile, ReaderSegment first)
    {
        _directory = directory;
        _follow = follow;
        _singleFile = singleFile;
        _first = first.Info;
        _segment = first;
        EnterSegment(first);
    }

    /// <summary>Skipped ranges so far, in reading order.</summary>
    public IReadOnlyList<RingDamage> Damage => _damage;

    /// <summary>The current segment's header, with its counters read now.</summary>
    public RingHeaderInfo Header
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _segment.Snapshot();
        }
    }

    public string CurrentSegmentPath => _segment.Path;

    /// <summary>File offset (in <see cref="CurrentSegmentPath"/>) of the frame of the last record returned; -1 before the first.</summary>
    public long CurrentFileOffset => _lastRecordFileOffset;

    public bool IsFollowing => _follow;

    /// <summary>
    /// Opens a ring folder (starting at ring-000000.tkr) or one segment file (continuing with the following
    /// segments of its folder when its name is ring-NNNNNN.tkr).
    /// </summary>
    /// <exception cref="RingFormatException">The first segment's header is damaged.</exception>
    /// <exception cref="FileNotFoundException">No such folder, segment or file.</exception>
    public static RingReader Open(string directoryOrSegmentPath, bool follow = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(directoryOrSegmentPath);
        string full = Path.GetFullPath(directoryOrSegmentPath);
        string directory;
        string firstPath;
        int? nameIndex;
        if (Directory.Exists(full))
        {
            directory = full;
            firstPath = Path.Combine(full, RingSegmentFiles.SegmentFileName(0));
            nameIndex = 0;
            if (!File.Exists(firstPath))
                throw new FileNotFoundException($"No ring segment {RingSegmentFiles.SegmentFileName(0)} in '{full}'.", firstPath);
        }
        else if (File.Exists(full))
        {
            directory = Path.GetDirectoryName(full) ?? "/";
            firstPath = full;
            nameIndex = RingSegmentFiles.TryParseIndex(Path.GetFileName(full), out int parsed) ? parsed : null;
        }
        else
        {
            throw new FileNotFoundException($"No ring folder or segment file at '{full}'.", full);
        }

        ReaderSegment first = ReaderSegment.Open(firstPath);
        try
        {
            if (nameIndex is { } index && first.Info.SegmentIndex != index)
                throw new RingFormatException(firstPath, L.SegmentIndexOffset,
                    $"segment index {first.Info.SegmentIndex} does not match the file name (index {index}).");
            return new RingReader(directory, follow, singleFile: nameIndex is null, first);
        }
        catch
        {
            first.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the next record. <paramref name="payload"/> stays valid until the next call or <see cref="Dispose"/>.
    /// Returns <see cref="RingReadStatus.NotYet"/> only in follow mode while the writer is alive.
    /// </summary>
    public RingReadStatus TryRead(out ReadOnlySpan<byte> payload)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        payload = default;
        // Every pass returns, advances _position, or moves to the next segment; scans inside are bounded by a lap.
        while (true)
        {
            ReaderSegment segment = _segment;
            if (_position >= _end)
            {
                if (_follow) _end = segment.ComputeEnd();
                if (_position >= _end)
                {
                    RingReadStatus? status = AtEndOfSegment();
                    if (status is { } final) return final;
                    continue;
                }
            }

            // A ring nobody can write any more (closed, or its writer died) is read in place, like no-loss.
            bool verifyInPlace = segment.Policy == RingPolicy.NoLoss || _frozen;
            if (!verifyInPlace && LappedBy(segment)) continue;
            ReadOnlySpan<byte> data = segment.Data;
            int offset = (int)_position & segment.OffsetMask;
            FrameCheck check = CheckFrame(data, segment, _position, verifyInPlace, out long commitWord);
            if (check == FrameCheck.Record)
            {
                int length = L.LengthOf(commitWord);
                if (verifyInPlace)
                {
                    payload = data.Slice(offset + L.FrameHeaderSizeInBytes, length);
                }
                else
                {
                    CopyOutcome outcome = CopyOut(data, segment, offset, commitWord, out payload);
                    if (outcome == CopyOutcome.Lapped) continue;
                    if (outcome == CopyOutcome.Damaged)
                    {
                        if (_follow && !_writerSeenStopped)
                        {
                            if (WriterStillWriting(segment)) return RingReadStatus.NotYet;
                            continue; // read the frame again now that nothing can change it (see WriterStillWriting)
                        }
                        Resync(segment);
                        continue;
                    }
                }
                _lastRecordFileOffset = L.HeaderSizeInBytes + offset;
                _position += L.FrameLength(length);
                if (_position - _releasedAtPosition >= ReleaseEveryBytes || _position < _releasedAtPosition) ReleaseReadPages(segment);
                _silentResync = false;
                return RingReadStatus.Record;
            }
            if (check == FrameCheck.Padding)
            {
                _position += L.FrameLength(L.LengthOf(commitWord));
                _silentResync = false;
                continue;
            }
            if (_silentResync && SkipToFrameSilently(segment)) continue;
            if (_follow && !_writerSeenStopped)
            {
                if (WriterStillWriting(segment)) return RingReadStatus.NotYet; // a producer is still writing this frame
                continue; // read the frame again now that nothing can change it (see WriterStillWriting)
            }
            Resync(segment);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void ReleaseReadPages(ReaderSegment segment)
    {
        // The payload span just returned points into the mapping; it stays valid, its page is read back on touch.
        if (_position >= _releasedAtPosition) segment.Map.ReleaseResidentPages();
        _releasedAtPosition = _position;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _segment.Dispose();
    }

    private void EnterSegment(ReaderSegment segment)
    {
        _segment = segment;
        _silentResync = false;
        if (segment.IsTruncated)
        {
            long expected = L.HeaderSizeInBytes + segment.Capacity;
            long actual = segment.Map.FileLengthInBytes;
            AddDamage(segment, actual, expected - actual, RingDamageKind.Corrupt,
                $"the file is truncated: it ends at offset {actual:N0} but its header needs {expected:N0} bytes; frames past the end are lost.");
        }
        // A writer that closed or died can never write this segment again (and no new writer may open the ring),
        // so its frames can be read in place. A stale "alive" answer only costs the copy.
        _frozen = segment.Policy == RingPolicy.Overwrite && !IsWriterLive();
        long head = segment.ReadHeadPosition();
        _position = 0;
        if (segment.Policy == RingPolicy.Overwrite && head > segment.Capacity)
        {
            _position = head - segment.Capacity; // the oldest byte still intact; the first whole frame follows
            _silentResync = true;
        }
        _end = segment.ComputeEnd();
    }

    /// <summary>Null to keep reading (more data, or the next segment was entered); else the status to return.</summary>
    private RingReadStatus? AtEndOfSegment()
    {
        ReaderSegment segment = _segment;
        if (segment.Policy == RingPolicy.NoLoss && !_singleFile)
        {
            string nextPath = Path.Combine(_directory, RingSegmentFiles.SegmentFileName(segment.Info.SegmentIndex + 1));
            if (File.Exists(nextPath))
            {
                // The writer creates the next segment before it pads this one, so look at this one's end again.
                long end = segment.ComputeEnd();
                if (end > _position)
                {
                    _end = end;
                    return null;
                }
                if (_position < segment.DataBytes)
                {
                    // All zero: space nobody wrote, e.g. the writer died between opening the next segment and padding
                    // this one. That is a crash's torn tail, not damage; anything else here is.
                    bool neverWritten = segment.Data[(int)_position..].IndexOfAnyExcept((byte)0) < 0;
                    AddDamage(segment, L.HeaderSizeInBytes + _position, segment.DataBytes - _position,
                        neverWritten ? RingDamageKind.TornTail : RingDamageKind.Corrupt,
                        neverWritten
                            ? $"torn tail: the rest of this segment after position {_position:N0} was never written (the writer moved to the next segment and stopped before padding this one)."
                            : $"headPosition (offset {L.HeadPositionOffset}) ends this segment at position {_position:N0}, yet the next segment exists; the rest was not read.");
                }
                MoveTo(nextPath, segment);
                return null;
            }
        }
        if (_follow && IsWriterLive()) return RingReadStatus.NotYet;
        if (_follow)
        {
            // The writer is gone; whatever it stored before closing or dying is visible now.
            long end = segment.ComputeEnd();
            if (end > _position)
            {
                _end = end;
                return null;
            }
        }
        return RingReadStatus.End;
    }

    private void MoveTo(string nextPath, ReaderSegment previous)
    {
        ReaderSegment next = ReaderSegment.Open(nextPath);
        try
        {
            CheckSameRing(next, previous.Info.SegmentIndex + 1);
        }
        catch
        {
            next.Dispose();
            throw;
        }
        previous.Dispose();
        EnterSegment(next);
    }

    private void CheckSameRing(ReaderSegment next, int expectedIndex)
    {
        RingHeaderInfo info = next.Info;
        if (info.SegmentIndex != expectedIndex)
            throw new RingFormatException(info.FilePath, L.SegmentIndexOffset, $"segment index {info.SegmentIndex}, expected {expectedIndex}.");
        if (info.CapacityInBytes != _first.CapacityInBytes)
            throw new RingFormatException(info.FilePath, L.CapacityOffset, $"capacity {info.CapacityInBytes} differs from segment 0 ({_first.CapacityInBytes}).");
        if (info.Policy != _first.Policy)
            throw new RingFormatException(info.FilePath, L.PolicyOffset, $"policy {info.Policy} differs from segment 0 ({_first.Policy}).");
        if (info.RunId != _first.RunId || info.NodeId != _first.NodeId || info.Stage != _first.Stage)
            throw new RingFormatException(info.FilePath, L.RunIdOffset, "run, node or stage id differs from segment 0: not the same ring.");
    }

    /// <summary>
    /// Test seam: runs after a following reader found a frame invalid and before it asks whether the writer is
    /// alive, so a test can close the writer in exactly that window.
    /// </summary>
    internal Action? BeforeWriterProbe { get; set; }

    /// <summary>
    /// Follow mode, after a frame failed validation: true while the writer is alive (the frame is unfinished, not
    /// damaged). False once it has closed or died; the caller must then read the frame again before judging it.
    /// </summary>
    private bool WriterStillWriting(ReaderSegment segment)
    {
        BeforeWriterProbe?.Invoke();
        if (IsWriterLive()) return true;
        // Why a second read: the frame was read before this probe, and this thread may have been descheduled in
        // between while a producer committed the frame, the producers lapped it (overwrite) and the writer closed.
        // That old read proves nothing. What the probe saw orders every later read after the writer's last store:
        // closedFlag = 1 is an acquire load paired with Dispose's release store, and a free folder lock was freed
        // by a system call (unlock, or the kernel tearing the dead process down) after the writer's last store, as
        // our probe is one before our next load. Frames read from now on are final, so an invalid one is damage
        // for certain. The end is re-read for the same reason. (Stopped is for good: no writer reopens a ring.)
        _writerSeenStopped = true;
        _end = segment.ComputeEnd();
        return false;
    }

    /// <summary>True while the writer holds the ring folder's lock and has not closed the segment (cached for 20 ms).</summary>
    private bool IsWriterLive()
    {
        if (_segment.ReadClosed()) return false;
        long now = Stopwatch.GetTimestamp();
        if (_livenessCheckedAt == 0 || now - _livenessCheckedAt >= LivenessCacheTicks)
        {
            _writerLive = FileLock.IsLockedByAnother(_directory);
            _livenessCheckedAt = now;
        }
        return _writerLive;
    }

    private void AddDamage(ReaderSegment segment, long fileOffset, long lengthInBytes, RingDamageKind kind, string message) =>
        _damage.Add(new RingDamage(segment.Path, fileOffset, lengthInBytes, kind,
            $"{segment.Path} at offset {fileOffset:N0} ({lengthInBytes:N0} bytes): {message}"));
}
