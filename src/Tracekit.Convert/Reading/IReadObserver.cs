using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Convert.Reading;

/// <summary>Where an anchor came from: a ClockAnchor record, or the creation pair of a segment header.</summary>
public enum AnchorSource
{
    Record,
    SegmentHeader,
}

/// <summary>What a stream cursor reports besides records: anchors, damage, unknown kinds, segments.</summary>
public interface IReadObserver
{
    /// <summary>A new anchor took effect for the records that follow it in the stream.</summary>
    void OnAnchor(StreamContext stream, in ClockAnchor anchor, AnchorSource source, string segmentPath);

    /// <summary>A range the reader skipped. Corruption reaches here only with salvage on.</summary>
    void OnDamage(StreamContext stream, RingDamage damage);

    /// <summary>A frame that passed its CRC but whose record is not well-formed (docs/ring-format.md section 4).</summary>
    void OnDamagedRecord(StreamContext stream, string segmentPath, long fileOffset, DecodeError error);

    /// <summary>A well-formed record of a kind a later format version added.</summary>
    void OnUnknownKind(StreamContext stream, ulong kindNumber);
}
