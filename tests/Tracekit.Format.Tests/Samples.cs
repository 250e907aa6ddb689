namespace Tracekit.Format.Tests;

/// <summary>One hand-written, realistic record of every kind, mixing set and nil optional fields.</summary>
internal static class Samples
{
    public static readonly object[] All =
    [
        new HostCpu
        {
            TimestampNs = 1_000_000_000, Cpu = -1, UserTicks = 123_456, NiceTicks = 12, SystemTicks = 45_678, IdleTicks = 9_876_543,
            IowaitTicks = 321, IrqTicks = 0, SoftirqTicks = 99, StealTicks = 7,
        },
        new HostMemory
        {
            TimestampNs = 2_000_000_000, MemTotalKb = 24_000_000, MemFreeKb = 1_000_000, MemAvailableKb = 12_000_000,
            BuffersKb = 300_000, CachedKb = 8_000_000, SwapTotalKb = 0, SwapFreeKb = 0,
        },
        new NetDevice
        {
            TimestampNs = 3, Interface = "eth0", RxBytes = 5_000_000_000, RxPackets = 4_000_000, RxErrors = 1, RxDropped = 2,
            TxBytes = 300, TxPackets = 3, TxErrors = 0, TxDropped = ulong.MaxValue,
        },
        new ProcessSample
        {
            TimestampNs = 1_000_000_000, Pid = 4242, StartTicks = 123_456, CpuTimeNs = 5_000_000_000,
            CpuSource = CpuSource.Schedstat, RssKb = 200, Threads = 12,
        },
        new ProcessStart
        {
            TimestampNs = 5, Pid = 1, StartTicks = 2, Ppid = 0, Command = "dotnet", CommandLine = "dotnet run --project é/中",
        },
        new ProcessStart { TimestampNs = 6, Pid = 77, StartTicks = 8, Ppid = 1, Command = "sh", CommandLine = null },
        new ProcessExit
        {
            TimestampNs = 7, Pid = 99, StartTicks = 1234, ExitStatus = 256, UserTimeUs = 1_500_000, SystemTimeUs = null, MaxRssKb = 40_000,
        },
        new CgroupSample
        {
            TimestampNs = 8, Path = "/sys/fs/cgroup/system.slice/app.service", Version = 2, CpuUsageNs = 9_000_000_000,
            MemoryBytes = 1L << 30, MemoryPeakBytes = null, MemoryLimitBytes = long.MaxValue,
        },
        new InvocationStart
        {
            TimestampNs = 9, TraceId = "4bf92f3577b34da6a3ce929d0e0e4736", SpanId = "00f067aa0ba902b7", ParentId = null,
            ModuleId = "resize", InstanceId = "resize-0", EnqueueNs = 8, Method = "CLI", Path = "/usr/bin/convert", Pid = 31337,
            PidStartTicks = 55, Input = "in.png", Output = null, Cpuset = "0-1", Cgroup = null,
        },
        new InvocationEnd
        {
            TimestampNs = 10, TraceId = "4bf92f3577b34da6a3ce929d0e0e4736", SpanId = "00f067aa0ba902b7", Status = 0, BytesIn = null,
            BytesOut = 1024, CpuTimeNs = 123_000_000, PeakRssKb = null,
        },
        new DotnetMetric
        {
            TimestampNs = 11, Pid = 500, Meter = "System.Runtime", Instrument = "dotnet.gc.heap.total_allocated", Value = 1.5e9, Unit = "By",
        },
        new DotnetEvent
        {
            TimestampNs = 12, Pid = 500, EventType = DotnetEventType.GcStop, Sequence = 42, DurationNs = 1_200_000, Detail = null,
        },
        new NodeInfo
        {
            TimestampNs = 13, Hostname = "node-1", CpuModel = "AMD EPYC 7B13", CoreCount = 2, MaxMhz = 3049.998, MemTotalKb = 24_000_000,
            ClockTicksPerSecond = 100, PageSizeInBytes = 4096, BootTimeRealtimeNs = 1_700_000_000_000_000_000, Kernel = "6.1.0-18-amd64",
        },
        new Link { TimestampNs = 14, Interface = "eth0", SpeedMbps = 10_000, Peer = "10.0.0.2", RttNs = 250_000 },
        new Link { TimestampNs = 15, Interface = "lo", SpeedMbps = null, Peer = null, RttNs = null },
        new Placement
        {
            TimestampNs = 16, AppId = "shop", ModuleId = "cart", InstanceId = "cart-1", NodeId = "node-1", Event = "start", Stage = "edge",
        },
        new ClockAnchor
        {
            TimestampNs = 17, RealtimeNs = 1_732_550_000_123_456_789, ClockSyncState = 0, ClockStatus = 0x2001, ClockOffsetNs = -12_345,
            ClockMaxErrorNs = 16_000_000, ClockEstErrorNs = 500,
        },
        new SelfReport
        {
            TimestampNs = 18, Ticks = 1000, MissedTicks = 1, LateTicks = 3, MaxLatenessNs = 2_500_000, RecordsWritten = 1_000_000,
            RecordsDropped = 0, RecordsOverwritten = 17, CpuUserNs = 40_000_000, CpuSystemNs = 10_000_000, RssKb = 30_000,
        },
    ];

    public static IEnumerable<object[]> AllAsTheoryData() => All.Select(record => new[] { record });

    /// <summary>Every kind number of version 1.</summary>
    public static IEnumerable<object[]> KnownKinds() =>
        Enumerable.Range(1, 16).Select(kind => new object[] { (RecordKind)kind });
}
