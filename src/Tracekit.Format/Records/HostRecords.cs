namespace Tracekit.Format;

// Host-wide records. Fields are positional on the wire in declaration order (docs/ring-format.md, section 4);
// ElementCount counts the kind and timestampNs too. Timestamps are CLOCK_MONOTONIC ns.

/// <summary>Kind 1: one cpu line of /proc/stat, counters cumulative since boot.</summary>
public record struct HostCpu
{
    public const int ElementCount = 11;
    public ulong TimestampNs;
    /// <summary>The CPU number, or -1 for the "cpu" total line.</summary>
    public int Cpu;
    public ulong UserTicks;
    public ulong NiceTicks;
    public ulong SystemTicks;
    public ulong IdleTicks;
    public ulong IowaitTicks;
    public ulong IrqTicks;
    public ulong SoftirqTicks;
    public ulong StealTicks;
}

/// <summary>Kind 2: /proc/meminfo.</summary>
public record struct HostMemory
{
    public const int ElementCount = 9;
    public ulong TimestampNs;
    public ulong MemTotalKb;
    public ulong MemFreeKb;
    public ulong MemAvailableKb;
    public ulong BuffersKb;
    public ulong CachedKb;
    public ulong SwapTotalKb;
    public ulong SwapFreeKb;
}

/// <summary>Kind 3: one interface of /proc/net/dev, counters cumulative.</summary>
public record struct NetDevice
{
    public const int ElementCount = 11;
    public ulong TimestampNs;
    /// <summary>Required; null is written as an empty string.</summary>
    public string Interface;
    public ulong RxBytes;
    public ulong RxPackets;
    public ulong RxErrors;
    public ulong RxDropped;
    public ulong TxBytes;
    public ulong TxPackets;
    public ulong TxErrors;
    public ulong TxDropped;
}

/// <summary>Kind 12: what the node is; written once per segment.</summary>
public record struct NodeInfo
{
    public const int ElementCount = 11;
    public ulong TimestampNs;
    /// <summary>Required; null is written as an empty string.</summary>
    public string Hostname;
    /// <summary>Required; null is written as an empty string.</summary>
    public string CpuModel;
    public int CoreCount;
    public double MaxMhz;
    public ulong MemTotalKb;
    /// <summary>USER_HZ: converts every *Ticks field to seconds.</summary>
    public int ClockTicksPerSecond;
    public int PageSizeInBytes;
    public long BootTimeRealtimeNs;
    /// <summary>Required; null is written as an empty string.</summary>
    public string Kernel;
}

/// <summary>Kind 13: a network link of the node.</summary>
public record struct Link
{
    public const int ElementCount = 6;
    public ulong TimestampNs;
    /// <summary>Required; null is written as an empty string.</summary>
    public string Interface;
    public long? SpeedMbps;
    public string? Peer;
    public long? RttNs;
}
