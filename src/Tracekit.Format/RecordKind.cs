namespace Tracekit.Format;

/// <summary>The record kinds of format version 1 (docs/ring-format.md, section 4). Values are wire values.</summary>
public enum RecordKind : byte
{
    /// <summary>Not a wire value: a kind number this version does not know (see <see cref="UnknownRecord"/>).</summary>
    Unknown = 0,
    HostCpu = 1,
    HostMemory = 2,
    NetDevice = 3,
    ProcessSample = 4,
    ProcessStart = 5,
    ProcessExit = 6,
    CgroupSample = 7,
    InvocationStart = 8,
    InvocationEnd = 9,
    DotnetMetric = 10,
    DotnetEvent = 11,
    NodeInfo = 12,
    Link = 13,
    Placement = 14,
    ClockAnchor = 15,
    SelfReport = 16,
}

/// <summary>
/// Where <see cref="ProcessSample.CpuTimeNs"/> came from; the sources differ in resolution. Decoders reject
/// values above the last member, so a new source is appended and named in RecordDecoder.LastCpuSource.
/// </summary>
public enum CpuSource : byte
{
    /// <summary>utime + stime of /proc/PID/stat (USER_HZ ticks, converted to ns).</summary>
    StatTicks = 0,
    /// <summary>/proc/PID/schedstat (ns).</summary>
    Schedstat = 1,
    /// <summary>the cgroup's cpu usage (ns).</summary>
    Cgroup = 2,
    /// <summary>clock_gettime on the process's CPU clock (ns, every thread, exited ones included).</summary>
    ProcessClock = 3,
}

/// <summary>What a <see cref="DotnetEvent"/> marks.</summary>
public enum DotnetEventType : byte
{
    GcStart = 1,
    GcStop = 2,
    RequestStart = 3,
    RequestStop = 4,
}
