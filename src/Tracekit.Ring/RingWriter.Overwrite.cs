using System.Runtime.CompilerServices;
using L = Tracekit.Ring.RingLayout;

namespace Tracekit.Ring;

// Overwrite policy (docs/ring-format.md 3.2 step 3 and 3.5). A producer may write over the previous lap only
// below WriteLimit = lapCursor + capacity. The lap walker moves lapCursor forward frame by frame over committed
// frames of the previous lap, in batches: this (1) keeps a producer from overwriting a frame that a slower
// producer of the previous lap is still writing, and (2) counts each overwritten record exactly once.
public sealed partial class RingWriter
{
    private readonly long _lapBatchInBytes;
    private long _lapCursor; // walker-owned: every frame below it is committed and was seen by the walker
    private int _walkerBusy; // 0 or 1: who may run the walker

    // Walker-owned FIFO of the positions of walked record frames that no reservation has reached yet.
    private long[] _pendingRecordPositions;
    private int _pendingStart;
    private int _pendingCount;

    private bool AppendSlowOverwrite(WriterSegment segment, long position, int frameLength, ReadOnlySpan<byte> payload)
    {
        ref byte header = ref segment.Map.Reference;
        // Each pass that does not return pads past a lap boundary; the next reservation starts a fresh lap.
        while (true)
        {
            long end = position + frameLength;
            if (end > Volatile.Read(ref segment.WriteLimit)) AwaitLapWalker(segment, end); // acquire: pairs with the walker's release
            int offset = (int)position & segment.OffsetMask;
            if (offset + frameLength <= segment.CapacityInt)
            {
                WriteRecord(ref header, segment, position, payload);
                // Acquire: pairs with the walker's release. Walking now, with our frame committed, keeps producers
                // out of AwaitLapWalker (where they would hold an uncommitted reservation) in the common case.
                if (end > Volatile.Read(ref segment.SlowPathTrigger)) TryWalkAhead(segment, end);
                return true;
            }
            // The frame would cross the end of the data area: pad to the lap boundary and fill the part of our
            // reservation that lies in the new lap, then reserve again.
            long lapEnd = position + (segment.Capacity - offset);
            WritePadding(segment, position, lapEnd);
            WritePadding(segment, lapEnd, end);
            position = Interlocked.Add(ref WriterSegment.Word(ref header, L.HeadPositionOffset), frameLength) - frameLength; // as on the fast path
        }
    }

    /// <summary>Returns once WriteLimit covers <paramref name="end"/>, walking the lap itself when nobody else is.</summary>
    private void AwaitLapWalker(WriterSegment segment, long end)
    {
        SpinWait spin = default;
        // Bounded by the slowest producer of the previous lap: it is in this process and only needs CPU time.
        while (end > Volatile.Read(ref segment.WriteLimit)) // acquire: pairs with the walker's release
        {
            if (Interlocked.CompareExchange(ref _walkerBusy, 1, 0) == 0) // acquire the walker role (full fence)
            {
                try { WalkLap(segment, end - segment.Capacity); }
                finally { Volatile.Write(ref _walkerBusy, 0); } // release: cursor and FIFO updates visible to the next walker
                if (end <= Volatile.Read(ref segment.WriteLimit)) return; // acquire: as above
            }
            spin.SpinOnce();
        }
    }

    /// <summary>Walks the lap if nobody else is walking; never waits.</summary>
    private void TryWalkAhead(WriterSegment segment, long end)
    {
        if (Interlocked.CompareExchange(ref _walkerBusy, 1, 0) != 0) return; // acquire the walker role (full fence)
        try { WalkLap(segment, end - segment.Capacity); }
        finally { Volatile.Write(ref _walkerBusy, 0); } // release: cursor and FIFO updates visible to the next walker
    }

    /// <summary>
    /// Walker role held. Counts pending records that reservations have now reached, then walks committed frames
    /// from the cursor to <paramref name="needed"/> plus one batch, stopping early at a frame not yet committed.
    /// </summary>
    private void WalkLap(WriterSegment segment, long needed)
    {
        ref byte header = ref segment.Map.Reference;
        long capacity = segment.Capacity;
        // Acquire: the latest reservation counter. Any frame starting below head − capacity is (being) overwritten.
        long destroyedBelow = Volatile.Read(ref WriterSegment.Word(ref header, L.HeadPositionOffset)) - capacity;
        long counted = DrainPending(destroyedBelow);

        long cursor = _lapCursor;
        long target = needed + _lapBatchInBytes;
        while (cursor < target)
        {
            ref byte frame = ref segment.FrameAt(ref header, cursor);
            // Acquire: pairs with the producer's release of the commit word, so its stamp is visible.
            long commitWord = Volatile.Read(ref Unsafe.As<byte, long>(ref frame));
            long stamp = Unsafe.As<byte, long>(ref Unsafe.Add(ref frame, L.StampOffsetInFrame));
            int type = L.TypeOf(commitWord);
            // A commit word of another lap, zero, or bytes of an older frame: that producer has not committed yet.
            if (stamp != cursor || (type != L.FrameTypeRecord && type != L.FrameTypePadding)) break;
            int frameLength = L.FrameLength(L.LengthOf(commitWord));
            if (((int)cursor & segment.OffsetMask) + frameLength > segment.CapacityInt) break; // cannot be ours; stay put
            if (type == L.FrameTypeRecord)
            {
                if (cursor < destroyedBelow) counted++;
                else EnqueuePending(cursor);
            }
            cursor += frameLength;
        }
        _lapCursor = cursor;
        if (counted > 0)
            Interlocked.Add(ref WriterSegment.Word(ref header, L.OverwrittenRecordsOffset), counted); // publishes the count to header readers
        // Release: the frames below the cursor are committed and counted before producers may overwrite them.
        Volatile.Write(ref segment.WriteLimit, cursor + capacity);
        // Release, after the limit: a producer that passes the trigger finds the limit at least this far.
        Volatile.Write(ref segment.SlowPathTrigger, cursor + capacity - (_lapBatchInBytes / 2));
    }

    /// <summary>Brings the overwritten counter up to date. With <paramref name="wait"/>, waits for the walker role.</summary>
    private void SettleLapCount(WriterSegment segment, bool wait)
    {
        SpinWait spin = default;
        while (Interlocked.CompareExchange(ref _walkerBusy, 1, 0) != 0) // acquire the walker role (full fence)
        {
            if (!wait) return;
            spin.SpinOnce();
        }
        try
        {
            ref byte header = ref segment.Map.Reference;
            long destroyedBelow = Volatile.Read(ref WriterSegment.Word(ref header, L.HeadPositionOffset)) - segment.Capacity; // acquire: latest head
            long counted = DrainPending(destroyedBelow);
            if (counted > 0)
                Interlocked.Add(ref WriterSegment.Word(ref header, L.OverwrittenRecordsOffset), counted); // publishes the count
        }
        finally
        {
            Volatile.Write(ref _walkerBusy, 0); // release: FIFO updates visible to the next walker
        }
    }

    private long DrainPending(long destroyedBelow)
    {
        long counted = 0;
        while (_pendingCount > 0 && _pendingRecordPositions[_pendingStart] < destroyedBelow)
        {
            _pendingStart = (_pendingStart + 1) % _pendingRecordPositions.Length;
            _pendingCount--;
            counted++;
        }
        return counted;
    }

    private void EnqueuePending(long position)
    {
        if (_pendingCount == _pendingRecordPositions.Length)
        {
            // Rare: a walk longer than one batch (many producers far ahead). Grow; this is the slow path.
            var grown = new long[_pendingRecordPositions.Length * 2];
            for (int i = 0; i < _pendingCount; i++)
                grown[i] = _pendingRecordPositions[(_pendingStart + i) % _pendingRecordPositions.Length];
            _pendingRecordPositions = grown;
            _pendingStart = 0;
        }
        _pendingRecordPositions[(_pendingStart + _pendingCount) % _pendingRecordPositions.Length] = position;
        _pendingCount++;
    }
}
