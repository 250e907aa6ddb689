using Tracekit.Collector.Recording;
using Tracekit.Format;

namespace Tracekit.Collector.Cli;

/// <summary>One record of every kind, with awkward values (nulls, unicode, extremes), for selfcheck.</summary>
internal static class SampleRecords
{
    public static IReadOnlyList<object> All(ulong ts) =>
    [
        new HostCpu { TimestampNs = ts, Cpu = -1, UserTicks = 1, NiceTicks = 2, SystemTicks = 3, IdleTicks = ulong.MaxValue, IowaitTicks = 5, IrqTicks = 6, SoftirqTicks = 7, StealTicks = 8 },
        new HostMemory { TimestampNs = ts, MemTotalKb = 24 << 20, MemFreeKb = 1, MemAvailableKb = 2, BuffersKb = 3, CachedKb = 4, SwapTotalKb = 0, SwapFreeKb = 0 },
        new NetDevice { TimestampNs = ts, Interface = "eth0", RxBytes = 1UL << 40, RxPackets = 2, TxBytes = 3, TxPackets = 4 },
        new ProcessSample { TimestampNs = ts, Pid = 4_194_304, StartTicks = 123456, CpuTimeNs = 987654321, CpuSource = CpuSource.Schedstat, RssKb = 2048, Threads = 12 },
        new ProcessStart { TimestampNs = ts, Pid = 42, StartTicks = 7, Ppid = 1, Command = "a b) (c", CommandLine = null },
        new ProcessExit { TimestampNs = ts, Pid = 42, StartTicks = 7, ExitStatus = 256, UserTimeUs = 10, SystemTimeUs = null, MaxRssKb = 99 },
        new CgroupSample { TimestampNs = ts, Path = "/tracekit/job-1", Version = 2, CpuUsageNs = 5, MemoryBytes = 6, MemoryPeakBytes = null, MemoryLimitBytes = long.MaxValue },
        new InvocationStart { TimestampNs = ts, TraceId = "4bf92f3577b34da6a3ce929d0e0e4736", SpanId = "00f067aa0ba902b7", Method = "CLI", Path = "/usr/bin/ünïcode", Pid = 42, PidStartTicks = 7, EnqueueNs = (long)ts - 5 },
        new InvocationEnd { TimestampNs = ts, TraceId = "4bf92f3577b34da6a3ce929d0e0e4736", SpanId = "00f067aa0ba902b7", Status = 0, CpuTimeNs = 1, PeakRssKb = 2 },
        new DotnetMetric { TimestampNs = ts, Pid = 42, Meter = "System.Runtime", Instrument = "dotnet.gc.heap.total_allocated", Value = 1.5e9, Unit = "By" },
        new DotnetEvent { TimestampNs = ts, Pid = 42, EventType = DotnetEventType.GcStop, Sequence = 3, DurationNs = 1_000_000, Detail = "gen0" },
        new NodeInfo { TimestampNs = ts, Hostname = "node-1", CpuModel = "AMD EPYC", CoreCount = 2, MaxMhz = 2596.0, MemTotalKb = 24 << 20, ClockTicksPerSecond = 100, PageSizeInBytes = 4096, BootTimeRealtimeNs = 1_700_000_000_000_000_000, Kernel = "6.18" },
        new Link { TimestampNs = ts, Interface = "eth0", SpeedMbps = 10_000, Peer = "10.0.0.2:22", RttNs = 150_000 },
        new Placement { TimestampNs = ts, AppId = "app", ModuleId = "m", InstanceId = "i-1", NodeId = "node-1", Event = "start", Stage = "cloud" },
        new ClockAnchor { TimestampNs = ts, RealtimeNs = 1_764_000_000_000_000_000, ClockSyncState = 0, ClockStatus = 0x2001, ClockOffsetNs = -12, ClockMaxErrorNs = 16_000_000, ClockEstErrorNs = 1000 },
        new SelfReport { TimestampNs = ts, Ticks = 100, MissedTicks = 1, LateTicks = 2, MaxLatenessNs = 3, RecordsWritten = 4, RecordsDropped = 5, RecordsOverwritten = 6, CpuUserNs = 7, CpuSystemNs = 8, RssKb = 9 },
    ];

    public static void Write(RecordSink sink, object record)
    {
        switch (record)
        {
            case HostCpu r: sink.Write(r); break;
            case HostMemory r: sink.Write(r); break;
            case NetDevice r: sink.Write(r); break;
            case ProcessSample r: sink.Write(r); break;
            case ProcessStart r: sink.Write(r); break;
            case ProcessExit r: sink.Write(r); break;
            case CgroupSample r: sink.Write(r); break;
            case InvocationStart r: sink.Write(r); break;
            case InvocationEnd r: sink.Write(r); break;
            case DotnetMetric r: sink.Write(r); break;
            case DotnetEvent r: sink.Write(r); break;
            case NodeInfo r: sink.Write(r); break;
            case Link r: sink.Write(r); break;
            case Placement r: sink.Write(r); break;
            case ClockAnchor r: sink.Write(r); break;
            case SelfReport r: sink.Write(r); break;
            default: throw new ArgumentException($"not a record: {record.GetType().Name}");
        }
    }
}
