namespace Tracekit.Ring;

/// <summary>Why a byte range of a segment produced no records.</summary>
public enum RingDamageKind
{
    /// <summary>Space that a producer reserved and never committed (its commit word is zero), with committed frames after it.</summary>
    Uncommitted = 0,

    /// <summary>The range between the last valid frame and the end of the reserved space: cut off by a crash.</summary>
    TornTail = 1,

    /// <summary>Bytes that are neither a valid frame nor an uncommitted one: a checksum, stamp or length mismatch, or a truncated file.</summary>
    Corrupt = 2,
}

/// <summary>A range a reader skipped, with its file offset. Never contains a returned record.</summary>
public sealed record RingDamage(string FilePath, long FileOffset, long LengthInBytes, RingDamageKind Kind, string Message);
