namespace Tracekit.Format;

// Process and cgroup records. A process is identified by (Pid, StartTicks): pids are reused, start times are not.

/// <summary>Kind 4: one sample of one process; the hot-path record.</summary>
public record struct ProcessSample
{
    public const int ElementCount = 8;
    public ulong TimestampNs;
    public int Pid;
    /// <summary>Field 22 of /proc/PID/stat.</summary>
    public ulong StartTicks;
    /// <summary>User + system, cumulative.</summary>
    public ulong CpuTimeNs;
    public CpuSource CpuSource;
    public ulong RssKb;
    public int Threads;
}

/// <summary>Kind 5: a process was seen for the first time.</summary>
public record struct ProcessStart
{
    public const int ElementCount = 7;
    public ulong TimestampNs;
    public int Pid;
    public ulong StartTicks;
    public int Ppid;
    /// <summary>comm. Required; null is written as an empty string.</summary>
    public string Command;
    public string? CommandLine;
}

/// <summary>Kind 6: a process ended; the rusage fields are known only for the collector's own children.</summary>
public record struct ProcessExit
{
    public const int ElementCount = 8;
    public ulong TimestampNs;
    public int Pid;
    public ulong StartTicks;
    /// <summary>The exit code as a shell reports it: 128 + N for signal N.</summary>
    public int? ExitStatus;
    public long? UserTimeUs;
    public long? SystemTimeUs;
    public long? MaxRssKb;
}

/// <summary>Kind 7: CPU and memory of one cgroup.</summary>
public record struct CgroupSample
{
    public const int ElementCount = 8;
    public ulong TimestampNs;
    /// <summary>Required; null is written as an empty string.</summary>
    public string Path;
    /// <summary>The cgroup version: 1 or 2.</summary>
    public int Version;
    public ulong CpuUsageNs;
    public ulong MemoryBytes;
    public long? MemoryPeakBytes;
    public long? MemoryLimitBytes;
}
