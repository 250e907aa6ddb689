using System.Buffers.Binary;
using System.Numerics;
using L = Tracekit.Ring.RingLayout;

namespace Tracekit.Ring;

// Frame validation (docs/ring-format.md section 3) and recovery from anything that is not a valid frame.
public sealed partial class RingReader
{
    private enum FrameCheck
    {
        Invalid,
        Record,
        Padding,
    }

    private enum CopyOutcome
    {
        Copied,
        Lapped,
        Damaged,
    }

    /// <summary>
    /// A frame is valid iff its type is record or padding, it fits in the data area, its stamp equals the
    /// position and its CRC matches. <paramref name="verifyPayload"/> = false leaves the record CRC to the caller
    /// (overwrite mode checks it on its private copy).
    /// </summary>
    private static FrameCheck CheckFrame(ReadOnlySpan<byte> data, ReaderSegment segment, long position, bool verifyPayload, out long commitWord)
    {
        commitWord = 0;
        int offset = (int)position & segment.OffsetMask;
        if (offset + L.FrameHeaderSizeInBytes > data.Length) return FrameCheck.Invalid;
        commitWord = ReaderSegment.ReadCommitWord(data, offset); // acquire (see ReadCommitWord)
        int type = L.TypeOf(commitWord);
        if (type != L.FrameTypeRecord && type != L.FrameTypePadding) return FrameCheck.Invalid;
        int length = L.LengthOf(commitWord);
        if (offset + L.FrameLength(length) > data.Length) return FrameCheck.Invalid; // past the data area or the file
        if (BinaryPrimitives.ReadInt64LittleEndian(data.Slice(offset + L.StampOffsetInFrame, 8)) != position) return FrameCheck.Invalid;
        uint crc = L.CrcOf(commitWord);
        if (type == L.FrameTypePadding)
            return crc == Crc32C.ComputeFrame(position, []) ? FrameCheck.Padding : FrameCheck.Invalid;
        if (verifyPayload && crc != Crc32C.ComputeFrame(position, data.Slice(offset + L.FrameHeaderSizeInBytes, length)))
            return FrameCheck.Invalid;
        return FrameCheck.Record;
    }

    /// <summary>
    /// Overwrite mode: copies the payload out, then checks that no producer reserved over the frame meanwhile
    /// (a seqlock on headPosition) and that the copy matches the CRC.
    /// </summary>
    private CopyOutcome CopyOut(ReadOnlySpan<byte> data, ReaderSegment segment, int offset, long commitWord, out ReadOnlySpan<byte> payload)
    {
        int length = L.LengthOf(commitWord);
        if (_copyBuffer.Length < length) _copyBuffer = new byte[(int)BitOperations.RoundUpToPowerOf2((uint)length)];
        Span<byte> copy = _copyBuffer.AsSpan(0, length);
        data.Slice(offset + L.FrameHeaderSizeInBytes, length).CopyTo(copy);
        // Full fence: the copy's loads complete before headPosition is read again below. A producer that
        // overwrote any copied byte reserved (atomic add) before storing it, so the re-read then sees its reservation.
        Interlocked.MemoryBarrier();
        payload = default;
        if (LappedBy(segment)) return CopyOutcome.Lapped;
        if (L.CrcOf(commitWord) != Crc32C.ComputeFrame(_position, copy)) return CopyOutcome.Damaged;
        payload = copy;
        return CopyOutcome.Copied;
    }

    /// <summary>
    /// Overwrite mode: true (and jumps to the oldest intact position) when producers have reserved over the
    /// frame at the current position, i.e. headPosition > position + capacity.
    /// </summary>
    private bool LappedBy(ReaderSegment segment)
    {
        long oldestIntact = segment.ReadHeadPosition() - segment.Capacity;
        if (oldestIntact <= _position) return false;
        _position = oldestIntact;
        _silentResync = true;
        if (_follow) _end = Math.Max(_end, oldestIntact + segment.Capacity);
        return true;
    }

    /// <summary>
    /// After a jump into the middle of a lap, the first bytes are the tail of an overwritten frame: skip to the
    /// first valid frame within one maximal frame, without reporting damage. False when none is found.
    /// </summary>
    private bool SkipToFrameSilently(ReaderSegment segment)
    {
        _silentResync = false;
        ReadOnlySpan<byte> data = segment.Data;
        long limit = Math.Min(_end, _position + L.FrameLength(L.MaxPayloadLength(segment.Capacity)) + L.FrameAlignment);
        for (long y = _position + L.FrameAlignment; y < limit; y += L.FrameAlignment)
        {
            if (CheckFrame(data, segment, y, verifyPayload: false, out _) != FrameCheck.Invalid)
            {
                _position = y;
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Skips from an invalid frame to the next valid one (16 bytes at a time, at most one lap) and reports the
    /// skipped range; with no valid frame before the end, reports a torn tail (or corruption) up to the end.
    /// </summary>
    private void Resync(ReaderSegment segment)
    {
        ReadOnlySpan<byte> data = segment.Data;
        long start = _position;
        RingDamageKind kind = Classify(data, segment, start);
        long limit = segment.Policy == RingPolicy.NoLoss ? _end : Math.Min(_end, start + segment.Capacity);
        long next = start + L.FrameAlignment;
        while (next < limit && CheckFrame(data, segment, next, verifyPayload: true, out _) == FrameCheck.Invalid)
            next += L.FrameAlignment;
        long fileOffset = L.HeaderSizeInBytes + ((int)start & segment.OffsetMask);
        if (next < limit)
        {
            AddDamage(segment, fileOffset, next - start, kind, kind == RingDamageKind.Uncommitted
                ? "uncommitted: space a producer reserved and never committed (zero, or bytes of an earlier lap; normal after a crash or while it is still writing); skipped to the next valid frame."
                : "corrupt: not a valid frame (commit word, length, position stamp or CRC-32C mismatch); skipped to the next valid frame.");
            _position = next;
            return;
        }
        bool corrupt = kind == RingDamageKind.Corrupt;
        AddDamage(segment, fileOffset, limit - start, corrupt ? RingDamageKind.Corrupt : RingDamageKind.TornTail, corrupt
            ? "corrupt: not a valid frame, and no valid frame follows before the end of the reserved space."
            : "torn tail: reserved but never committed up to the end of the reserved space (the writer stopped, e.g. was killed).");
        _position = Math.Max(limit, start + L.FrameAlignment);
    }

    /// <summary>
    /// No-loss files start zeroed: a zero commit word is uncommitted, anything else is corrupt. Overwrite: only a
    /// slot whose stamp claims this very position but fails validation is corrupt; zero, or bytes of an earlier lap
    /// (a producer reserved the space and died before writing it), is uncommitted.
    /// </summary>
    private static RingDamageKind Classify(ReadOnlySpan<byte> data, ReaderSegment segment, long position)
    {
        int offset = (int)position & segment.OffsetMask;
        if (offset + L.FrameHeaderSizeInBytes > data.Length) return RingDamageKind.Corrupt;
        if (ReaderSegment.ReadCommitWord(data, offset) == 0) return RingDamageKind.Uncommitted;
        if (segment.Policy == RingPolicy.NoLoss) return RingDamageKind.Corrupt;
        long stamp = BinaryPrimitives.ReadInt64LittleEndian(data.Slice(offset + L.StampOffsetInFrame, 8));
        return stamp == position ? RingDamageKind.Corrupt : RingDamageKind.Uncommitted;
    }
}
