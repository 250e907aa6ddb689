using L = Tracekit.Ring.RingLayout;

namespace Tracekit.Ring;

public sealed partial class RingWriter
{
    /// <summary>How far ahead of the head <see cref="PrefaultAhead"/> keeps pages writable: 32 pages per call.</summary>
    private const long PrefaultWindowInBytes = 128 * 1024;

    /// <summary>
    /// Pages further than this behind the head are dropped from the writer's resident set. Producers write at the
    /// head; a producer preempted between its reservation and its copy is the only one behind it, by a few frames.
    /// </summary>
    private const long KeepResidentBehindInBytes = 512 * 1024;

    // Owned by the one thread that calls PrefaultAhead; producers never read them.
    private WriterSegment? _prefaultSegment;
    private long _prefaultedUpToPosition;
    private bool _prefaultUnsupported;
    private long _releasedUpToPosition;

    /// <summary>
    /// Makes the next pages after the head writable now, in one madvise, instead of one page fault per page as
    /// producers cross them (ext4's page_mkwrite and an inode time update per fault: 10% of the collector's CPU at
    /// 100 Hz × 100 processes before this). Call it from one thread only, once per tick, never per record. It
    /// touches no frame and publishes nothing: a crash during or after it leaves the ring exactly as it was.
    /// Returns false when the kernel cannot (before Linux 5.14), after which it does nothing.
    /// <para>It also bounds the writer's resident set: pages more than 512 KiB behind the head, and the whole previous
    /// segment once the head has moved to a new one, are dropped from this process's page tables (MADV_DONTNEED).
    /// For a shared file mapping that loses nothing: the data stays in the page cache and the file, and a late store
    /// there faults the same page back in. Without it a 16 MiB segment written at 1000 Hz counted 16 MiB (and its
    /// predecessor 16 MiB more) in the collector's RSS.</para>
    /// </summary>
    public bool PrefaultAhead()
    {
        if (_prefaultUnsupported) return false;
        WriterSegment? segment = Volatile.Read(ref _current); // acquire: the segment's mapping is initialised
        if (segment is null) return false;
        if (!ReferenceEquals(segment, _prefaultSegment))
        {
            _prefaultSegment?.Map.ReleaseResidentPages();
            _prefaultSegment = segment;
            _prefaultedUpToPosition = 0;
            _releasedUpToPosition = 0;
        }

        ref byte header = ref segment.Map.Reference;
        long head = Volatile.Read(ref WriterSegment.Word(ref header, L.HeadPositionOffset)); // acquire: latest reservation
        long window = Math.Min(PrefaultWindowInBytes, segment.Capacity / 4);
        ReleaseBehind(segment, head, window);
        if (_prefaultedUpToPosition - head > window / 2) return true;

        long from = Math.Max(head, _prefaultedUpToPosition);
        long to = head + window;
        if (_options.Policy == RingPolicy.NoLoss) to = Math.Min(to, segment.Capacity);
        if (to <= from) return true;

        // Positions map to offsets modulo the capacity (overwrite laps); a range crossing the end wraps to the start.
        long fromOffset = from & segment.OffsetMask;
        long firstLength = Math.Min(to - from, segment.Capacity - fromOffset);
        bool ok = segment.Map.TryPopulateForWrite(L.HeaderSizeInBytes + fromOffset, firstLength);
        if (ok && firstLength < to - from) ok = segment.Map.TryPopulateForWrite(L.HeaderSizeInBytes, to - from - firstLength);
        if (!ok)
        {
            _prefaultUnsupported = true;
            return false;
        }

        _prefaultedUpToPosition = to;
        return true;
    }

    private void ReleaseBehind(WriterSegment segment, long head, long window)
    {
        long keep = Math.Min(KeepResidentBehindInBytes, segment.Capacity / 2);
        long to = head - keep;
        if (to - _releasedUpToPosition < window) return;
        // Never more than a lap minus what is kept behind and prefaulted ahead: in an overwrite ring an older lap's
        // positions share offsets with the pages just ahead of the head.
        long from = Math.Max(_releasedUpToPosition, to - (segment.Capacity - keep - window));
        long fromOffset = from & segment.OffsetMask;
        long firstLength = Math.Min(to - from, segment.Capacity - fromOffset);
        segment.Map.ReleaseResidentPages(L.HeaderSizeInBytes + fromOffset, firstLength);
        if (firstLength < to - from) segment.Map.ReleaseResidentPages(L.HeaderSizeInBytes, to - from - firstLength);
        _releasedUpToPosition = to;
    }
}
