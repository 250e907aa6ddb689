using Tracekit.Convert.Tests.Support;
using Tracekit.Format;

namespace Tracekit.Convert.Tests.Report;

/// <summary>
/// Two nodes written with the real encoder and ring (60 s at 100 ms: host, network, three processes, requests
/// with queue times, .NET GC pauses and two runtime metrics), converted by `cctf` and `opendc`, then reported.
/// </summary>
public sealed class MultiNodeReportRun : IDisposable
{
    public const ulong BaseNs = 9_000_000_000_000;
    public const long EpochMs = 1_720_000_000_000;
    public const int Ticks = 600;
    public static readonly string[] Nodes = ["edge-1", "cloud-1"];
    public static readonly string[] Commands = ["api", "db", "cache"];

    public MultiNodeReportRun()
    {
        Run = new TestRun();
        for (int n = 0; n < Nodes.Length; n++)
        {
            using var ring = Run.Ring(Nodes[n], n == 0 ? "edge" : "cloud", segmentCapacityInBytes: 4 << 20);
            Write(ring, n);
        }

        Cctf = CapturingConsole.Run("cctf", "--run-dir", Run.RunDirectory);
        Opendc = CapturingConsole.Run("opendc", "--run-dir", Run.RunDirectory, "--tasks", "invocations");
        Report = CapturingConsole.Run("report", "--run-dir", Run.RunDirectory);
    }

    public TestRun Run { get; }

    public (int ExitCode, CapturingConsole Console) Cctf { get; }

    public (int ExitCode, CapturingConsole Console) Opendc { get; }

    public (int ExitCode, CapturingConsole Console) Report { get; }

    public string ReportPath => Path.Combine(Run.RunDirectory, "report.html");

    public static ulong At(long ms) => BaseNs + ((ulong)ms * 1_000_000);

    public void Dispose() => Run.Dispose();

    private static void Write(TestRing ring, int node)
    {
        ring.Add(Clock.Anchor(BaseNs, EpochMs));
        ring.Add(new NodeInfo { TimestampNs = At(0), Hostname = Nodes[node], CpuModel = "Test CPU", CoreCount = 4, MaxMhz = 3000, MemTotalKb = 8_000_000, ClockTicksPerSecond = 100, PageSizeInBytes = 4096, Kernel = "6.1" });
        for (int p = 0; p < Commands.Length; p++)
        {
            ring.Add(new ProcessStart { TimestampNs = At(0), Pid = 100 + p, StartTicks = 10, Ppid = 1, Command = Commands[p] });
        }

        ulong user = 0, system = 0, idle = 0, iowait = 0, rx = 0, tx = 0;
        var cpuNs = new ulong[Commands.Length];
        int request = 0;
        for (int t = 0; t <= Ticks; t++)
        {
            long ms = t * 100L;
            // A busy phase in the middle of the run, with one spike tick the envelope must keep.
            ulong busy = (ulong)(t is > 200 and < 400 ? 30 : 8) + (ulong)(t == 250 + node ? 5 : 0);
            user += busy * 2 / 3;
            system += busy - (busy * 2 / 3);
            iowait += (ulong)(t % 50 == 0 ? 2 : 0);
            idle += 40 - busy - (ulong)(t % 50 == 0 ? 2 : 0);
            ring.Add(new HostCpu { TimestampNs = At(ms), Cpu = -1, UserTicks = user, SystemTicks = system, IdleTicks = idle, IowaitTicks = iowait });
            ring.Add(new HostMemory { TimestampNs = At(ms), MemTotalKb = 8_000_000, MemFreeKb = 1_000_000, MemAvailableKb = (ulong)(6_000_000 - (t * 1000)) });
            rx += (ulong)(10_000 + (t * 100));
            tx += 5_000;
            ring.Add(new NetDevice { TimestampNs = At(ms), Interface = "eth0", RxBytes = rx, TxBytes = tx });
            for (int p = 0; p < Commands.Length; p++)
            {
                cpuNs[p] += (ulong)((p + 1) * 10_000_000 * (t is > 200 and < 400 ? 2 : 1));
                ring.Add(new ProcessSample { TimestampNs = At(ms), Pid = 100 + p, StartTicks = 10, CpuTimeNs = cpuNs[p], CpuSource = CpuSource.Schedstat, RssKb = (ulong)((p + 1) * 10_000 + t), Threads = 2 });
            }

            if (t % 2 == 0 && t < Ticks)
            {
                // A request every 200 ms: queue 0-9 ms, service 5-50 ms.
                string id = $"r{node}-{request++}";
                long enqueueMs = ms + 1;
                long startMs = enqueueMs + (request % 10);
                long endMs = startMs + 5 + ((request * 7) % 46);
                ring.Add(new InvocationStart { TimestampNs = At(startMs), TraceId = id, SpanId = "s", ModuleId = "api", InstanceId = "api-0", EnqueueNs = (long)At(enqueueMs), Method = "GET", Path = "/work", Pid = 100, PidStartTicks = 10 });
                ring.Add(new InvocationEnd { TimestampNs = At(endMs), TraceId = id, SpanId = "s", Status = 200, CpuTimeNs = 1_000_000 });
            }

            if (t % 10 == 0)
            {
                ring.Add(new DotnetMetric { TimestampNs = At(ms), Pid = 100, Meter = "System.Runtime", Instrument = "dotnet.gc.heap.total_allocated", Value = t * 1000.0, Unit = "By" });
                ring.Add(new DotnetMetric { TimestampNs = At(ms), Pid = 100, Meter = "System.Runtime", Instrument = "dotnet.thread_pool.thread.count", Value = 4 + (t % 3), Unit = "{thread}" });
                ring.Add(new SelfReport { TimestampNs = At(ms), Ticks = (ulong)t, MissedTicks = 0, RecordsWritten = (ulong)(t * 10), RssKb = 20_000 });
            }

            if (t % 25 == 0)
            {
                ring.Add(new DotnetEvent { TimestampNs = At(ms), Pid = 100, EventType = DotnetEventType.GcStart, Sequence = (ulong)t });
                ring.Add(new DotnetEvent { TimestampNs = At(ms + 2), Pid = 100, EventType = DotnetEventType.GcStop, Sequence = (ulong)t, DurationNs = 1_000_000 + (t * 1000), Detail = "gen0" });
            }
        }
    }
}
