using L = Tracekit.Ring.RingLayout;

namespace Tracekit.Ring;

// No-loss roll-over (docs/ring-format.md 3.4): the producer whose reservation covers the end of the data area
// creates the next segment and pads the old one; producers that reserved past the end wait for it.
public sealed partial class RingWriter
{
    private bool AppendSlowNoLoss(WriterSegment segment, long position, int frameLength, ReadOnlySpan<byte> payload)
    {
        // Each pass moves to a newer segment, so the loop ends when a frame fits or the ring is full.
        while (true)
        {
            // Reservations tile the positions, so exactly one has position <= capacity < position + frameLength.
            WriterSegment? next = position <= segment.Capacity ? Roll(segment, position) : AwaitSuccessor(segment);
            if (next is null)
            {
                ref byte lastHeader = ref segment.Map.Reference;
                // Publishes the drop to header readers; several droppers may count at once.
                Interlocked.Increment(ref WriterSegment.Word(ref lastHeader, L.DroppedRecordsOffset));
                return false;
            }
            segment = next;
            ref byte header = ref segment.Map.Reference;
            // A fresh reservation in the new segment, same meaning as on the fast path.
            position = Interlocked.Add(ref WriterSegment.Word(ref header, L.HeadPositionOffset), frameLength) - frameLength;
            if (position + frameLength <= segment.Capacity)
            {
                WriteRecord(ref header, segment, position, payload);
                return true;
            }
        }
    }

    /// <summary>Creates and publishes the successor of <paramref name="segment"/>, or marks the ring full (null).</summary>
    private WriterSegment? Roll(WriterSegment segment, long position)
    {
        WriterSegment? next = null;
        try
        {
            long nextTotalInBytes = (segment.Index + 2L) * _options.SegmentFileSizeInBytes;
            if (_options.MaxTotalSizeInBytes > 0 && nextTotalInBytes > _options.MaxTotalSizeInBytes)
            {
                Volatile.Write(ref _fullAtSizeLimit, true);
                Volatile.Write(ref _fullReason, // release: the reason is visible before Terminal below
                    $"The ring reached its size limit of {_options.MaxTotalSizeInBytes:N0} bytes with {segment.Index + 1} segments; newer records are dropped and counted.");
            }
            else
            {
                next = CreateSegment(segment.Index + 1);
            }
        }
        catch (Exception e)
        {
            // Never let a failed roll-over strand the producers waiting in AwaitSuccessor: the ring becomes full.
            Volatile.Write(ref _fullReason, $"Could not create segment {segment.Index + 1}: {e.Message} Newer records are dropped and counted."); // release, as above
        }
        finally
        {
            // The padding tells readers this segment is complete; the next file (if any) already exists.
            if (position < segment.Capacity) WritePadding(segment, position, segment.Capacity);
        }

        if (next is null)
        {
            Volatile.Write(ref segment.Terminal, true); // release: pairs with AwaitSuccessor's acquire
            return null;
        }
        lock (_segmentsGate) _segments.Add(next);
        Volatile.Write(ref segment.Successor, next); // release: the new segment is fully built before waiters see it
        // Release: new appends go straight to the new segment. (A Dispose that raced us stored null; keep it.)
        Interlocked.CompareExchange(ref _current, next, segment);
        // Two generations back nobody is still writing in practice; drop its pages from our resident set
        // (MADV_DONTNEED keeps the data: it stays in the page cache and the file).
        if (segment.Index >= 1)
        {
            WriterSegment old;
            lock (_segmentsGate) old = _segments[segment.Index - 1];
            old.Map.ReleaseResidentPages();
        }
        return next;
    }

    private static WriterSegment? AwaitSuccessor(WriterSegment segment)
    {
        // The one blocking point of the no-loss policy: at most once per segment, for as long as the roller
        // needs to create a file. The roller always sets Successor or Terminal, even when it fails.
        SpinWait spin = default;
        while (true)
        {
            WriterSegment? next = Volatile.Read(ref segment.Successor); // acquire: pairs with Roll's release
            if (next is not null) return next;
            if (Volatile.Read(ref segment.Terminal)) return null; // acquire: pairs with Roll's release
            spin.SpinOnce();
        }
    }
}
