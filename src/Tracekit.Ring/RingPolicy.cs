namespace Tracekit.Ring;

/// <summary>What a full ring does (docs/ring-format.md 3.4). The values are the header's policy field.</summary>
public enum RingPolicy
{
    /// <summary>Roll to a new segment file; beyond the total size limit, drop the newest records and count them.</summary>
    NoLoss = 0,

    /// <summary>One segment used as a flight recorder: the oldest records are overwritten and counted.</summary>
    Overwrite = 1,
}

/// <summary>The outcome of <see cref="RingReader.TryRead"/>.</summary>
public enum RingReadStatus
{
    /// <summary>A valid record was returned.</summary>
    Record = 0,

    /// <summary>Follow mode: nothing more is committed yet; the writer is still running. Try again later.</summary>
    NotYet = 1,

    /// <summary>No more records: the end of a non-follow read, or the writer closed or died.</summary>
    End = 2,
}
