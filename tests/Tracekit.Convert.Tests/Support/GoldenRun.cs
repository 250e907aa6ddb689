using Tracekit.Format;

namespace Tracekit.Convert.Tests.Support;

/// <summary>
/// One node ("node-a", stage "edge") with every record kind, written once and converted once for all golden
/// tests. Times are "x ms after the anchor": monotonic <see cref="BaseNs"/> is epoch <see cref="EpochMs"/>.
/// </summary>
public sealed class GoldenRun : IDisposable
{
    public const ulong BaseNs = 5_000_000_000_000;
    public const long EpochMs = 1_710_000_000_000;
    public const string Node = "node-a";
    public const string Stage = "edge";

    public GoldenRun()
    {
        Run = new TestRun();
        using (var ring = Run.Ring(Node, Stage))
        {
            Write(ring);
        }

        var (code, console) = CapturingConsole.Run("cctf", "--run-dir", Run.RunDirectory);
        ExitCode = code;
        Console = console;
    }

    public TestRun Run { get; }

    public int ExitCode { get; }

    public CapturingConsole Console { get; }

    public string Out(string file) => Path.Combine(Run.OutputDirectory, file);

    public static ulong At(long ms) => BaseNs + ((ulong)ms * 1_000_000);

    public void Dispose() => Run.Dispose();

    private static void Write(TestRing ring)
    {
        ring.Add(Clock.Anchor(BaseNs, EpochMs, maxErrorNs: 2_000_000));
        ring.Add(new NodeInfo
        {
            TimestampNs = At(0), Hostname = "host-a", CpuModel = "Test CPU \"X\" @ 3.6GHz", CoreCount = 8, MaxMhz = 3600.5,
            MemTotalKb = 16_384_000, ClockTicksPerSecond = 100, PageSizeInBytes = 4096, BootTimeRealtimeNs = 1, Kernel = "6.1.0",
        });
        ring.Add(new Link { TimestampNs = At(0), Interface = "eth0", SpeedMbps = 1000 });
        ring.Add(new Link { TimestampNs = At(0), Interface = "lo", SpeedMbps = 100_000 });
        ring.Add(new Link { TimestampNs = At(0), Interface = "eth0", Peer = "node-b", RttNs = 400_000 });
        ring.Add(new Link { TimestampNs = At(5), Interface = "eth0", Peer = "node-b", RttNs = 300_000 });
        ring.Add(new Placement { TimestampNs = At(10), AppId = "app", ModuleId = "m", InstanceId = "i", NodeId = Node, Event = "start", Stage = Stage });

        // Host: two total lines (30 % busy between them), a per-cpu line that must be ignored, memory.
        ring.Add(new HostCpu { TimestampNs = At(0), Cpu = -1, UserTicks = 100, SystemTicks = 50, IdleTicks = 800, IowaitTicks = 50 });
        ring.Add(new HostCpu { TimestampNs = At(0), Cpu = 0, UserTicks = 1, IdleTicks = 1 });
        ring.Add(new HostMemory { TimestampNs = At(0), MemTotalKb = 16_384_000, MemFreeKb = 1_048_576, MemAvailableKb = 8_388_608 });

        // Network at 0, 1000 and 2000 ms: eth0 counts, lo and docker0 never; eth1 appears at 1000.
        NetTick(ring, 0, ("eth0", 1000, 2000), ("lo", 1_000_000, 1_000_000), ("docker0", 5_000_000, 0));
        ring.Add(new CgroupSample { TimestampNs = At(0), Path = "/sys/fs/cgroup/job", Version = 2, CpuUsageNs = 1_000_000_000, MemoryBytes = 1_000_000, MemoryLimitBytes = 2_000_000 });

        // Process 42 (start ticks 1000): three samples, then exits; pid 42 is reused (start ticks 2000).
        ring.Add(new ProcessStart { TimestampNs = At(0), Pid = 42, StartTicks = 1000, Ppid = 1, Command = "worker", CommandLine = "worker --x" });
        ring.Add(new ProcessSample { TimestampNs = At(0), Pid = 42, StartTicks = 1000, CpuTimeNs = 5_000_000, CpuSource = CpuSource.Schedstat, RssKb = 1000, Threads = 2 });
        ring.Add(new InvocationStart
        {
            TimestampNs = At(60), TraceId = "t1", SpanId = "s1", ModuleId = "m", InstanceId = "i", EnqueueNs = (long)At(50),
            Method = "GET", Path = "/api", Pid = 42, PidStartTicks = 1000,
        });
        ring.Add(new ProcessSample { TimestampNs = At(100), Pid = 42, StartTicks = 1000, CpuTimeNs = 15_500_000, CpuSource = CpuSource.Schedstat, RssKb = 1100, Threads = 2 });
        ring.Add(new DotnetMetric { TimestampNs = At(100), Pid = 42, Meter = "System.Runtime", Instrument = "gc-heap-size", Value = 1234.5, Unit = "By" });
        ring.Add(new DotnetMetric { TimestampNs = At(100), Pid = 42, Meter = "System.Runtime", Instrument = "broken", Value = double.NaN });
        ring.Add(new DotnetEvent { TimestampNs = At(110), Pid = 42, EventType = DotnetEventType.GcStart, Sequence = 3 });
        ring.Add(new DotnetEvent { TimestampNs = At(112), Pid = 42, EventType = DotnetEventType.GcStop, Sequence = 3, DurationNs = 2_500_000, Detail = "gen0" });
        ring.Add(new InvocationEnd { TimestampNs = At(180), TraceId = "t1", SpanId = "s1", Status = 200, BytesIn = 10, BytesOut = 20, CpuTimeNs = 7_250_000, PeakRssKb = 900 });
        ring.Add(new ProcessSample { TimestampNs = At(200), Pid = 42, StartTicks = 1000, CpuTimeNs = 25_500_000, CpuSource = CpuSource.Schedstat, RssKb = 1200, Threads = 2 });
        ring.Add(new ProcessExit { TimestampNs = At(250), Pid = 42, StartTicks = 1000, ExitStatus = 1, UserTimeUs = 20_000, SystemTimeUs = 5_500, MaxRssKb = 1300 });
        ring.Add(new ProcessExit { TimestampNs = At(260), Pid = 43, StartTicks = 1500, ExitStatus = 137 });
        ring.Add(new ProcessSample { TimestampNs = At(300), Pid = 42, StartTicks = 2000, CpuTimeNs = 1_000_000, CpuSource = CpuSource.Schedstat, RssKb = 500, Threads = 1 });
        ring.Add(new ProcessSample { TimestampNs = At(400), Pid = 42, StartTicks = 2000, CpuTimeNs = 3_000_000, CpuSource = CpuSource.Schedstat, RssKb = 600, Threads = 1 });

        // A batch job (no enqueue), an invocation that never ends, and an end without a start.
        ring.Add(new InvocationStart
        {
            TimestampNs = At(500), TraceId = "t2", SpanId = "s2", Method = "CLI", Path = "/usr/bin/sort", Pid = 99,
            Input = "in.txt", Output = "out.txt", Cpuset = "0-1", Cgroup = "/tracekit/t2",
        });
        ring.Add(new HostCpu { TimestampNs = At(1000), Cpu = -1, UserTicks = 200, SystemTicks = 100, IdleTicks = 1100, IowaitTicks = 100 });
        NetTick(ring, 1000, ("eth0", 11_000, 2_500), ("eth1", 100, 0), ("lo", 9_000_000, 9_000_000), ("docker0", 9_000_000, 0));
        ring.Add(new CgroupSample { TimestampNs = At(1000), Path = "/sys/fs/cgroup/job", Version = 2, CpuUsageNs = 1_500_000_000, MemoryBytes = 1_200_000, MemoryPeakBytes = 1_300_000, MemoryLimitBytes = 2_000_000 });
        ring.Add(new InvocationEnd { TimestampNs = At(1500), TraceId = "t2", SpanId = "s2", Status = 0, CpuTimeNs = 900_000_000 });
        ring.Add(new InvocationStart { TimestampNs = At(1600), TraceId = "t3", SpanId = "s3", Method = "POST", Path = "/slow" });
        ring.Add(new InvocationEnd { TimestampNs = At(1700), TraceId = "t4", SpanId = "s4", Status = 500 });
        NetTick(ring, 2000, ("eth0", 21_000, 3_000), ("eth1", 2_100, 0));
        ring.Add(new SelfReport { TimestampNs = At(2000), Ticks = 20, MissedTicks = 1, LateTicks = 2, MaxLatenessNs = 3_000_000, RecordsWritten = 40, CpuUserNs = 1_000_000, RssKb = 20_000 });

        // A later format version's kind (99), well-formed: counted and skipped.
        ring.AddRaw([0x93, 0x63, 0x01, 0x01]);

        // A record of a known kind whose array is too short: damaged, never converted.
        ring.AddRaw([0x92, 0x04, 0x01]);
    }

    private static void NetTick(TestRing ring, long ms, params (string Name, ulong Rx, ulong Tx)[] interfaces)
    {
        foreach (var (name, rx, tx) in interfaces)
        {
            ring.Add(new NetDevice { TimestampNs = At(ms), Interface = name, RxBytes = rx, TxBytes = tx });
        }
    }
}
