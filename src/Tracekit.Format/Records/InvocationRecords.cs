namespace Tracekit.Format;

// Invocation and placement records: the fields that ../shared/specs/cctf-compat.md needs. Unknown values are nil.

/// <summary>Kind 8: an invocation (request or batch job) started.</summary>
public record struct InvocationStart
{
    /// <summary>Elements written (version 1.1: <see cref="SampleRatio"/> appended).</summary>
    public const int ElementCount = 17;
    /// <summary>Elements of a version 1.0 record, the fewest a reader accepts.</summary>
    public const int MinElementCount = 16;
    public ulong TimestampNs;
    /// <summary>Required; null is written as an empty string.</summary>
    public string TraceId;
    /// <summary>Required; null is written as an empty string.</summary>
    public string SpanId;
    public string? ParentId;
    public string? ModuleId;
    public string? InstanceId;
    /// <summary>CLOCK_MONOTONIC ns when the invocation was queued.</summary>
    public long? EnqueueNs;
    public string? Method;
    public string? Path;
    public int? Pid;
    public long? PidStartTicks;
    public string? Input;
    public string? Output;
    public string? Cpuset;
    public string? Cgroup;
    /// <summary>
    /// Version 1.1: the share of traces the source recorded (0 &lt; ratio ≤ 1); counts scale by its inverse. Null:
    /// the source did not sample (read as 1).
    /// </summary>
    public double? SampleRatio;
}

/// <summary>Kind 9: an invocation ended.</summary>
public record struct InvocationEnd
{
    public const int ElementCount = 9;
    public ulong TimestampNs;
    /// <summary>Required; null is written as an empty string.</summary>
    public string TraceId;
    /// <summary>Required; null is written as an empty string.</summary>
    public string SpanId;
    public int? Status;
    public long? BytesIn;
    public long? BytesOut;
    /// <summary>The whole process tree.</summary>
    public long? CpuTimeNs;
    public long? PeakRssKb;
}

/// <summary>Kind 14: an application module instance was placed on or removed from a node.</summary>
public record struct Placement
{
    public const int ElementCount = 8;
    /// <summary>With the 1.2 field <see cref="CpuUnits"/>.</summary>
    public const int ElementCountWithCpuUnits = 9;
    public ulong TimestampNs;
    // All six strings are required; null is written as an empty string.
    public string AppId;
    public string ModuleId;
    public string InstanceId;
    public string NodeId;
    /// <summary>"start" or "stop"; cluster mode: queued, placed, started, finished, failed, requeued.</summary>
    public string Event;
    public string Stage;
    /// <summary>Version 1.2 (docs/ring-format.md section 5): the CPU units the job holds; null = not written (8 elements).</summary>
    public int? CpuUnits;
}
