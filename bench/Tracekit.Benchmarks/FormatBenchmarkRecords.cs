using Tracekit.Format;

namespace Tracekit.Benchmarks;

/// <summary>Typical records of every kind, with realistic magnitudes (so integers take their usual encodings).</summary>
internal static class FormatBenchmarkRecords
{
    public static readonly HostCpu HostCpu = new()
    {
        TimestampNs = 123_456_789_000_000, Cpu = -1, UserTicks = 1_234_567, NiceTicks = 120, SystemTicks = 456_789, IdleTicks = 98_765_432,
        IowaitTicks = 3_210, IrqTicks = 0, SoftirqTicks = 9_999, StealTicks = 7,
    };

    public static readonly HostMemory HostMemory = new()
    {
        TimestampNs = 123_456_789_000_000, MemTotalKb = 24_000_000, MemFreeKb = 1_000_000, MemAvailableKb = 12_000_000,
        BuffersKb = 300_000, CachedKb = 8_000_000, SwapTotalKb = 0, SwapFreeKb = 0,
    };

    public static readonly NetDevice NetDevice = new()
    {
        TimestampNs = 123_456_789_000_000, Interface = "eth0", RxBytes = 5_000_000_000, RxPackets = 4_000_000, RxErrors = 0,
        RxDropped = 12, TxBytes = 3_000_000_000, TxPackets = 2_500_000, TxErrors = 0, TxDropped = 0,
    };

    public static readonly ProcessSample ProcessSample = new()
    {
        TimestampNs = 123_456_789_000_000, Pid = 48_213, StartTicks = 12_345_678, CpuTimeNs = 5_000_000_000,
        CpuSource = CpuSource.Schedstat, RssKb = 250_000, Threads = 24,
    };

    public static readonly ProcessStart ProcessStart = new()
    {
        TimestampNs = 123_456_789_000_000, Pid = 48_213, StartTicks = 12_345_678, Ppid = 1_200, Command = "dotnet",
        CommandLine = "dotnet /srv/app/Shop.Api.dll --urls http://0.0.0.0:8080",
    };

    public static readonly ProcessExit ProcessExit = new()
    {
        TimestampNs = 123_456_789_000_000, Pid = 48_213, StartTicks = 12_345_678, ExitStatus = 0, UserTimeUs = 1_500_000,
        SystemTimeUs = 200_000, MaxRssKb = 260_000,
    };

    public static readonly CgroupSample CgroupSample = new()
    {
        TimestampNs = 123_456_789_000_000, Path = "/sys/fs/cgroup/system.slice/shop.service", Version = 2, CpuUsageNs = 90_000_000_000,
        MemoryBytes = 300_000_000, MemoryPeakBytes = 350_000_000, MemoryLimitBytes = null,
    };

    public static readonly InvocationStart InvocationStart = new()
    {
        TimestampNs = 123_456_789_000_000, TraceId = "4bf92f3577b34da6a3ce929d0e0e4736", SpanId = "00f067aa0ba902b7", ParentId = null,
        ModuleId = "resize", InstanceId = "resize-0", EnqueueNs = 123_456_788_000_000, Method = "CLI", Path = "/usr/bin/convert",
        Pid = 48_213, PidStartTicks = 12_345_678, Input = "in.png", Output = "out.png", Cpuset = "0-1", Cgroup = null,
    };

    public static readonly InvocationEnd InvocationEnd = new()
    {
        TimestampNs = 123_456_789_000_000, TraceId = "4bf92f3577b34da6a3ce929d0e0e4736", SpanId = "00f067aa0ba902b7", Status = 0,
        BytesIn = 4_096, BytesOut = 65_536, CpuTimeNs = 123_000_000, PeakRssKb = 40_000,
    };

    public static readonly DotnetMetric DotnetMetric = new()
    {
        TimestampNs = 123_456_789_000_000, Pid = 48_213, Meter = "System.Runtime", Instrument = "dotnet.gc.heap.total_allocated",
        Value = 1.5e9, Unit = "By",
    };

    public static readonly DotnetEvent DotnetEvent = new()
    {
        TimestampNs = 123_456_789_000_000, Pid = 48_213, EventType = DotnetEventType.GcStop, Sequence = 4_242, DurationNs = 1_200_000,
        Detail = null,
    };

    public static readonly NodeInfo NodeInfo = new()
    {
        TimestampNs = 123_456_789_000_000, Hostname = "node-1", CpuModel = "AMD EPYC 7B13", CoreCount = 2, MaxMhz = 3049.998,
        MemTotalKb = 24_000_000, ClockTicksPerSecond = 100, PageSizeInBytes = 4_096, BootTimeRealtimeNs = 1_700_000_000_000_000_000,
        Kernel = "6.1.0-18-amd64",
    };

    public static readonly Link Link = new()
    {
        TimestampNs = 123_456_789_000_000, Interface = "eth0", SpeedMbps = 10_000, Peer = "10.0.0.2", RttNs = 250_000,
    };

    public static readonly Placement Placement = new()
    {
        TimestampNs = 123_456_789_000_000, AppId = "shop", ModuleId = "cart", InstanceId = "cart-1", NodeId = "node-1", Event = "start",
        Stage = "edge",
    };

    public static readonly ClockAnchor ClockAnchor = new()
    {
        TimestampNs = 123_456_789_000_000, RealtimeNs = 1_732_550_000_123_456_789, ClockSyncState = 0, ClockStatus = 0x2001,
        ClockOffsetNs = -12_345, ClockMaxErrorNs = 16_000_000, ClockEstErrorNs = 500,
    };

    public static readonly SelfReport SelfReport = new()
    {
        TimestampNs = 123_456_789_000_000, Ticks = 100_000, MissedTicks = 1, LateTicks = 3, MaxLatenessNs = 2_500_000,
        RecordsWritten = 10_000_000, RecordsDropped = 0, RecordsOverwritten = 17, CpuUserNs = 40_000_000_000, CpuSystemNs = 10_000_000_000,
        RssKb = 30_000,
    };
}
