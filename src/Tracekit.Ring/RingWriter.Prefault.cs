using L = Tracekit.Ring.RingLayout;

namespace Tracekit.Ring;

public sealed partial class RingWriter
{
    /// <summary>How far ahead of the head <see cref="PrefaultAhead"/> keeps pages writable: 32 pages per call.</summary>
    private const long PrefaultWindowInBytes = 128 * 1024;

    // Owned by the one thread that calls PrefaultAhead; producers never read them.
    private WriterSegment? _prefaultSegment;
    private long _prefaultedUpToPosition;
    private bool _prefaultUnsupported;

    /// <summary>
    /// Makes the next pages after the head writable now, in one madvise, instead of one page fault per page as
    /// producers cross them (ext4's page_mkwrite and an inode time update per fault: 10% of the collector's CPU at
    /// 100 Hz × 100 processes before this). Call it from one thread only, once per tick, never per record. It
    /// touches no frame and publishes nothing: a crash during or after it leaves the ring exactly as it was.
    /// Returns false when the kernel cannot (before Linux 5.14), after which it does nothing.
    /// </summary>
    public bool PrefaultAhead()
    {
        if (_prefaultUnsupported) return false;
        WriterSegment? segment = Volatile.Read(ref _current); // acquire: the segment's mapping is initialised
        if (segment is null) return false;
        if (!ReferenceEquals(segment, _prefaultSegment))
        {
            _prefaultSegment = segment;
            _prefaultedUpToPosition = 0;
        }

        ref byte header = ref segment.Map.Reference;
        long head = Volatile.Read(ref WriterSegment.Word(ref header, L.HeadPositionOffset)); // acquire: latest reservation
        long window = Math.Min(PrefaultWindowInBytes, segment.Capacity / 4);
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
}
