namespace Tracekit.Format;

// .NET runtime records (EventPipe) and the collector's own records.

/// <summary>Kind 10: one value of a .NET metric instrument.</summary>
public record struct DotnetMetric
{
    public const int ElementCount = 7;
    public ulong TimestampNs;
    public int Pid;
    /// <summary>Required; null is written as an empty string.</summary>
    public string Meter;
    /// <summary>Required; null is written as an empty string.</summary>
    public string Instrument;
    public double Value;
    public string? Unit;
}

/// <summary>Kind 11: a GC or request start or stop.</summary>
public record struct DotnetEvent
{
    public const int ElementCount = 7;
    public ulong TimestampNs;
    public int Pid;
    public DotnetEventType EventType;
    /// <summary>The GC number or the request id.</summary>
    public ulong Sequence;
    public long? DurationNs;
    public string? Detail;
}

/// <summary>Kind 15: a realtime/monotonic pair; <see cref="TimestampNs"/> is the monotonic reading.</summary>
public record struct ClockAnchor
{
    public const int ElementCount = 8;
    public ulong TimestampNs;
    public long RealtimeNs;
    /// <summary>adjtimex(2) return value, or -1 if unknown.</summary>
    public int ClockSyncState;
    /// <summary>timex.status bits.</summary>
    public int ClockStatus;
    public long ClockOffsetNs;
    public long ClockMaxErrorNs;
    public long ClockEstErrorNs;
}

/// <summary>Kind 16: the collector's own health, cumulative since it started.</summary>
public record struct SelfReport
{
    public const int ElementCount = 12;
    public ulong TimestampNs;
    public ulong Ticks;
    public ulong MissedTicks;
    public ulong LateTicks;
    public ulong MaxLatenessNs;
    public ulong RecordsWritten;
    public ulong RecordsDropped;
    public ulong RecordsOverwritten;
    public ulong CpuUserNs;
    public ulong CpuSystemNs;
    public ulong RssKb;
}

/// <summary>
/// A well-formed record whose kind this version does not know (a later version wrote it). Readers count and
/// skip it; it is not damage.
/// </summary>
public record struct UnknownRecord
{
    public ulong TimestampNs;
    /// <summary>The kind number as written.</summary>
    public ulong Kind;
}
