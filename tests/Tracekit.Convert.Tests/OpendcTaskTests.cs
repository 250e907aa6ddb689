using System.Text.Json;
using Tracekit.Convert.Cli;
using Tracekit.Convert.Tests.Support;
using Tracekit.Format;

namespace Tracekit.Convert.Tests;

/// <summary>
/// Which records of a run become OpenDC tasks (several jobs on a node, invocations sharing a process, selected
/// cgroups), and what the converter writes beside them: the conservation figure, topology.json, the merge threshold
/// and plain CLI errors. Tables are read back with DuckDB, topology.json with System.Text.Json.
/// </summary>
public sealed class OpendcTaskTests : IDisposable
{
    private const ulong Base = 9_000_000_000_000;
    private const long EpochMs = 1_765_000_000_000;
    private const double Mhz = 2000;
    private readonly TestRun _run = new();

    public void Dispose() => _run.Dispose();

    private string Out => Path.Combine(_run.RunDirectory, "opendc");

    private static ulong At(long ms) => Base + ((ulong)ms * 1_000_000);

    private static NodeInfo Node(string host, int cores = 4, double maxMhz = Mhz, ulong memTotalKb = 8 << 20) => new()
    {
        TimestampNs = At(0), Hostname = host, CpuModel = "Test CPU", CoreCount = cores, MaxMhz = maxMhz, MemTotalKb = memTotalKb,
        ClockTicksPerSecond = 100, PageSizeInBytes = 4096, BootTimeRealtimeNs = (EpochMs - 3_600_000) * 1_000_000, Kernel = "6.18",
    };

    /// <summary>A ring of node n1 with its anchor and NodeInfo: the collector's, or a job's stream.</summary>
    private TestRing NodeRing(string? stream = null)
    {
        var ring = _run.Ring("n1", stream: stream);
        ring.Add(Clock.Anchor(At(0), EpochMs)).Add(Node("n1"));
        return ring;
    }

    private (int Code, CapturingConsole Console) Convert(string outputDirectory, params string[] extra) =>
        CapturingConsole.Run(["opendc", "--run-dir", _run.RunDirectory, "--out", outputDirectory, .. extra]);

    private static double MhzSeconds(IEnumerable<(int Id, long Duration, double Usage)> fragments) => fragments.Sum(f => f.Usage * f.Duration) / 1000;

    /// <summary>
    /// A `tracekit run` job in its own stream: one process using <paramref name="cores"/> from start to end,
    /// sampled every 100 ms; its end record carries no CPU, so the task's CPU is its samples' alone.
    /// </summary>
    private void WriteRunJob(string stream, string traceId, int pid, long startMs, long endMs, double cores)
    {
        using var job = NodeRing(stream);
        job.Add(new InvocationStart { TimestampNs = At(startMs), TraceId = traceId, SpanId = "s-" + traceId, Method = "CLI", Path = "/bin/job", Pid = pid, PidStartTicks = 7 });
        for (long ms = startMs + 100; ms <= endMs; ms += 100)
            job.Add(new ProcessSample { TimestampNs = At(ms), Pid = pid, StartTicks = 7, CpuTimeNs = (ulong)(cores * (ms - startMs) * 1_000_000), CpuSource = CpuSource.ProcessClock, RssKb = 1024, Threads = 1 });
        job.Add(new InvocationEnd { TimestampNs = At(endMs), TraceId = traceId, SpanId = "s-" + traceId, Status = 0 });
    }

    /// <summary>Job a: 1 core for 0-500 ms (1000 MHz·s); job b: 0.25 core for 600-1000 ms (200 MHz·s); a request without PID or cgroup between them.</summary>
    private void WriteTwoJobsAndARequest()
    {
        using (var collector = NodeRing())
        {
            collector.Add(new InvocationStart { TimestampNs = At(200), TraceId = "trace-nopid", SpanId = "s0", Method = "GET", Path = "/health" });
            collector.Add(new InvocationEnd { TimestampNs = At(300), TraceId = "trace-nopid", SpanId = "s0", Status = 200 });
        }
        WriteRunJob("run-1-1", "trace-a", pid: 100, startMs: 0, endMs: 500, cores: 1);
        WriteRunJob("run-2-1", "trace-b", pid: 200, startMs: 600, endMs: 1000, cores: 0.25);
    }

    [Fact]
    public void Opendc_TwoJobsAndARequestWithoutPid_TwoTasksEachWithItsOwnCpu()
    {
        WriteTwoJobsAndARequest();
        var (code, console) = Convert(Out);
        Assert.True(code == 0, console.ErrorText + console.OutText);

        var tasks = OpendcTables.Tasks(Out);
        var fragments = OpendcTables.Fragments(Out);
        // Ids follow the order tasks end (docs/opendc.md, "Ids and names"); the request without PID is no task.
        Assert.Equal([(1, "trace-a", 500L), (2, "trace-b", 400L)], tasks.Select(t => (t.Id, t.Name, t.Duration)).ToList());
        Assert.Equal(1.0 * 0.5 * Mhz, MhzSeconds(fragments.Where(f => f.Id == 1)), 6);
        Assert.Equal(0.25 * 0.4 * Mhz, MhzSeconds(fragments.Where(f => f.Id == 2)), 6);
    }

    [Fact]
    public void Opendc_TwoJobs_PrintsAndReportsTheConservationFigure()
    {
        WriteTwoJobsAndARequest();
        var (code, console) = Convert(Out);
        Assert.True(code == 0, console.ErrorText + console.OutText);

        int fragmentCount = OpendcTables.Fragments(Out).Count;
        Assert.Equal(
            $"opendc: 2 tasks, {fragmentCount} fragments in {Out}; CPU conserved: Σ usage×duration = 1200 MHz·s vs measured 1200 MHz·s (0.000 % off)",
            console.OutText.Trim());
        var report = File.ReadAllLines(Path.Combine(Out, "conversion_report.md"));
        Assert.Contains("- conservation: Σ cpu_usage × duration = 1200 MHz·s; measured CPU-seconds × MHz = 1200 MHz·s; difference 0.0000 % (limit 1%)", report);
        Assert.Contains("| 1 | trace-a | n1 | 500 | 0.5 | 2000 | 1000 | 0.0000 % |", report);
        Assert.Contains("| 2 | trace-b | n1 | 400 | 0.1 | 2000 | 200 | 0.0000 % |", report);
    }

    /// <summary>
    /// Two requests of one server process (pid 300, half a core all along, read every 100 ms from 100 ms), both
    /// carrying its PID, overlapping from 350 to 650 ms. Each gets the process's CPU over the time it was in flight;
    /// where both were, they split it; what fell in no request's time is reported as unattributed.
    /// </summary>
    [Fact]
    public void Opendc_OverlappingRequestsOnOnePid_EachGetsTheCpuOfItsInFlightTime()
    {
        using (var ring = NodeRing())
        {
            ring.Add(new InvocationStart { TimestampNs = At(0), TraceId = "req-a", SpanId = "a", Method = "GET", Path = "/a", Pid = 300 });
            for (long ms = 100; ms <= 1000; ms += 100)
            {
                ring.Add(new ProcessSample { TimestampNs = At(ms), Pid = 300, StartTicks = 9, CpuTimeNs = (ulong)(10_000 + (ms / 2)) * 1_000_000, RssKb = 1024, Threads = 4 });
                if (ms == 300) ring.Add(new InvocationStart { TimestampNs = At(350), TraceId = "req-b", SpanId = "b", Method = "GET", Path = "/b", Pid = 300 });
                if (ms == 600) ring.Add(new InvocationEnd { TimestampNs = At(650), TraceId = "req-a", SpanId = "a", Status = 200 });
                if (ms == 900) ring.Add(new InvocationEnd { TimestampNs = At(950), TraceId = "req-b", SpanId = "b", Status = 200 });
            }
        }
        var (code, console) = Convert(Out);
        Assert.True(code == 0, console.ErrorText + console.OutText);

        var tasks = OpendcTables.Tasks(Out).OrderBy(t => t.Name).ToList();
        Assert.Equal([("req-a", 650L), ("req-b", 600L)], tasks.Select(t => (t.Name, t.Duration)).ToList());
        var fragments = OpendcTables.Fragments(Out);
        // From the first reading (100 ms): req-a alone 100-300 (100 ms of CPU), shared 300-700 (33.3 + 25 + 25 +
        // 16.7); req-b 16.7 + 25 + 25 + 33.3, alone 700-900 (100) and half of 900-1000 (25).
        Assert.Equal(0.200 * Mhz, MhzSeconds(fragments.Where(f => f.Id == tasks[0].Id).ToList()), 3);
        Assert.Equal(0.225 * Mhz, MhzSeconds(fragments.Where(f => f.Id == tasks[1].Id).ToList()), 3);
        // 450 ms of CPU in intervals with a request in flight, 425 given: 5.6 % unattributed.
        Assert.Contains("2 request task(s) got 0.425 CPU-s of the 0.45 CPU-s", console.OutText);
        Assert.Contains("(5.6 % unattributed", console.OutText);
        Assert.Contains("0.425 CPU-s", File.ReadAllText(Path.Combine(Out, "conversion_report.md")));
    }

    /// <summary>
    /// A request sampled at 0.5 stands for two in flight: alone on its process (0.5 core, 0-1000 ms) it gets half of
    /// each interval's CPU, and the report counts that half twice. The HttpClient span it makes (parent: the
    /// request, same PID) is part of its work, no task.
    /// </summary>
    [Fact]
    public void Opendc_SampledRequestWithNestedClientSpan_OneTaskWithOneRequestsShare()
    {
        using (var ring = NodeRing())
        {
            ring.Add(new InvocationStart { TimestampNs = At(0), TraceId = "req", SpanId = "a", Method = "GET", Path = "/hop", Pid = 300, SampleRatio = 0.5 });
            for (long ms = 100; ms <= 1000; ms += 100)
            {
                ring.Add(new ProcessSample { TimestampNs = At(ms), Pid = 300, StartTicks = 9, CpuTimeNs = (ulong)(10_000 + (ms / 2)) * 1_000_000, RssKb = 1024, Threads = 4 });
                if (ms == 200) ring.Add(new InvocationStart { TimestampNs = At(250), TraceId = "req", SpanId = "c", ParentId = "a", Method = "GET", Path = "http://127.0.0.1:1/work", Pid = 300, SampleRatio = 0.5 });
                if (ms == 400) ring.Add(new InvocationEnd { TimestampNs = At(450), TraceId = "req", SpanId = "c", Status = 200 });
            }
            ring.Add(new InvocationEnd { TimestampNs = At(1000), TraceId = "req", SpanId = "a", Status = 200 });
        }
        var (code, console) = Convert(Out);
        Assert.True(code == 0, console.ErrorText + console.OutText);

        var task = Assert.Single(OpendcTables.Tasks(Out));
        Assert.Equal("req", task.Name);
        // From the first reading (100 ms): 9 intervals of 50 ms CPU, a quarter-core each for the one request.
        Assert.Equal(0.225 * Mhz, MhzSeconds(OpendcTables.Fragments(Out)), 3);
        Assert.Contains("1 request task(s) got 0.45 CPU-s of the 0.45 CPU-s", console.OutText);
        Assert.Contains("1 invocation(s) nested in a request of their process", console.OutText);
    }

    [Fact]
    public void Opendc_RequestLoggedAsZeroMs_InFlightForOneMsAndGetsItsCpu()
    {
        // nginx writes a request served in under 1 ms as $request_time 0.000: start = end.
        using (var ring = NodeRing())
        {
            ring.Add(new ProcessSample { TimestampNs = At(100), Pid = 300, StartTicks = 9, CpuTimeNs = 1_000_000_000, RssKb = 1024, Threads = 1 });
            ring.Add(new InvocationStart { TimestampNs = At(150), TraceId = "req-a", SpanId = "a", Method = "GET", Path = "/a", Pid = 300 });
            ring.Add(new InvocationEnd { TimestampNs = At(150), TraceId = "req-a", SpanId = "a", Status = 200 });
            ring.Add(new ProcessSample { TimestampNs = At(110), Pid = 301, StartTicks = 9, CpuTimeNs = 0, RssKb = 1024, Threads = 1 });
            ring.Add(new ProcessSample { TimestampNs = At(200), Pid = 300, StartTicks = 9, CpuTimeNs = 1_010_000_000, RssKb = 1024, Threads = 1 });
        }
        var (code, console) = Convert(Out);
        Assert.True(code == 0, console.ErrorText + console.OutText);
        var task = Assert.Single(OpendcTables.Tasks(Out));
        Assert.Equal(1, task.Duration);
        // 10 ms of CPU over a 100 ms interval: 1 ms in flight gets 0.1 ms.
        Assert.Equal(0.0001 * Mhz, MhzSeconds(OpendcTables.Fragments(Out)), 6);
    }

    [Fact]
    public void Opendc_RequestsOnAnUnsampledProcess_WarnsNamingTheOptionAndClaimsNoConservation()
    {
        using (var ring = NodeRing())
        {
            ring.Add(new InvocationStart { TimestampNs = At(0), TraceId = "req-a", SpanId = "a", Method = "GET", Path = "/a", Pid = 300 });
            ring.Add(new InvocationEnd { TimestampNs = At(5), TraceId = "req-a", SpanId = "a", Status = 200 });
        }
        var (code, console) = Convert(Out);
        Assert.True(code == 0, console.ErrorText + console.OutText);
        Assert.Contains("never sampled", console.ErrorText);
        Assert.Contains("--match", console.ErrorText);
        Assert.Contains("the workload has no CPU", console.ErrorText);
        Assert.DoesNotContain("conserved", console.OutText);
    }

    [Fact]
    public void Opendc_OverlappingInvocationsOnOneCgroup_OnlyTheFirstIsATask()
    {
        using (var ring = NodeRing())
        {
            ring.Add(new InvocationStart { TimestampNs = At(0), TraceId = "req-a", SpanId = "a", Cgroup = "/svc" });
            ring.Add(new InvocationStart { TimestampNs = At(50), TraceId = "req-b", SpanId = "b", Cgroup = "/svc" });
            for (long ms = 100; ms <= 300; ms += 100)
                ring.Add(new CgroupSample { TimestampNs = At(ms), Path = "/svc", Version = 2, CpuUsageNs = (ulong)ms * 1_000_000 });
            ring.Add(new InvocationEnd { TimestampNs = At(300), TraceId = "req-b", SpanId = "b", Status = 200 });
            ring.Add(new InvocationEnd { TimestampNs = At(300), TraceId = "req-a", SpanId = "a", Status = 200 });
        }
        var (code, console) = Convert(Out);
        Assert.True(code == 0, console.ErrorText + console.OutText);

        Assert.Equal("req-a", Assert.Single(OpendcTables.Tasks(Out)).Name);
        Assert.Equal(0.3 * Mhz, MhzSeconds(OpendcTables.Fragments(Out)), 6);
        Assert.Contains("'req-b'", File.ReadAllText(Path.Combine(Out, "conversion_report.md")));
    }

    /// <summary>n1 and n3 are the same machine; n2 differs in every field, its memory not a whole number of MiB.</summary>
    [Fact]
    public void Opendc_IdenticalNodes_ShareOneHostGroupInTopology()
    {
        (string Node, int Cores, double Mhz, ulong MemKb)[] nodes = [("n1", 4, 2000, 8 << 20), ("n2", 16, 3000, 33_000_000), ("n3", 4, 2000, 8 << 20)];
        foreach (var n in nodes)
        {
            using var ring = _run.Ring(n.Node);
            ring.Add(Clock.Anchor(At(0), EpochMs)).Add(Node(n.Node, n.Cores, n.Mhz, n.MemKb));
            for (long ms = 100; ms <= 200; ms += 100)
                ring.Add(new ProcessSample { TimestampNs = At(ms), Pid = 10, StartTicks = 1, CpuTimeNs = (ulong)ms * 1_000_000, RssKb = 1024 });
        }
        var (code, console) = Convert(Out, "--tasks", "processes");
        Assert.True(code == 0, console.ErrorText + console.OutText);

        using var topology = JsonDocument.Parse(File.ReadAllText(Path.Combine(Out, "topology.json")));
        var hosts = Assert.Single(topology.RootElement.GetProperty("clusters").EnumerateArray()).GetProperty("hosts").EnumerateArray()
            .Select(h => (
                Name: h.GetProperty("name").GetString(),
                Count: h.GetProperty("count").GetInt32(),
                Cores: h.GetProperty("cpu").GetProperty("coreCount").GetInt32(),
                CoreSpeedMhz: h.GetProperty("cpu").GetProperty("coreSpeed").GetDouble(),
                MemoryMiB: h.GetProperty("memory").GetProperty("memorySize").GetInt64()))
            .ToList();
        // MemTotalKb / 1024, whole MiB: 8 GiB is 8192 MiB; 33,000,000 KiB is 32226.56 MiB, of which 32226 are whole.
        Assert.Equal([("H01", 2, 4, 2000.0, 8192L), ("H02", 1, 16, 3000.0, 32226L)], hosts);
    }

    /// <summary>Four 100 ms intervals at 1000, 1010, 1020 and 1500 MHz of a job's cgroup.</summary>
    [Fact]
    public void Opendc_PositiveMergeThreshold_MergesCloseUsagesKeepsDistantOnes()
    {
        using (var ring = NodeRing())
        {
            ring.Add(new InvocationStart { TimestampNs = At(0), TraceId = "t", SpanId = "s", Pid = 7, Cgroup = "/cg" });
            ulong[] cumulativeUs = [50_000, 100_500, 151_500, 226_500];
            for (int i = 0; i < cumulativeUs.Length; i++)
                ring.Add(new CgroupSample { TimestampNs = At((i + 1) * 100), Path = "/cg", Version = 2, CpuUsageNs = cumulativeUs[i] * 1000 });
            ring.Add(new InvocationEnd { TimestampNs = At(400), TraceId = "t", SpanId = "s", Status = 0, CpuTimeNs = 226_500_000 });
        }
        string byDefault = Path.Combine(_run.Root, "default"), merged = Path.Combine(_run.Root, "merged");
        Assert.Equal(0, Convert(byDefault).Code);
        var (code, console) = Convert(merged, "--merge-below-mhz", "50");
        Assert.True(code == 0, console.ErrorText + console.OutText);

        static List<(long, double)> Rounded(string dir) => OpendcTables.Fragments(dir).Select(f => (f.Duration, Math.Round(f.Usage, 6))).ToList();
        Assert.Equal([(100L, 1000.0), (100L, 1010.0), (100L, 1020.0), (100L, 1500.0)], Rounded(byDefault));
        // The 20 MHz band merges into its duration-weighted mean; 1500 MHz is 480 MHz away and stays apart.
        Assert.Equal([(300L, 1010.0), (100L, 1500.0)], Rounded(merged));
    }

    /// <summary>
    /// A cgroup the collector sampled (its own stream) is a task from its first sample to its last; a job's own
    /// cgroup, in the job's stream, is not a second task.
    /// </summary>
    [Fact]
    public void Opendc_ProcessesModeWithSampledCgroup_CgroupIsATaskOverItsLifetime()
    {
        ulong[] memoryKb = [200_000, 307_201, 250_000, 250_000, 250_000];
        using (var collector = NodeRing())
        {
            for (int i = 0; i < memoryKb.Length; i++)
                collector.Add(new CgroupSample { TimestampNs = At((i + 1) * 100), Path = "/app.slice/web.service", Version = 2, CpuUsageNs = (ulong)(1000 + (i * 80)) * 1_000_000, MemoryBytes = memoryKb[i] * 1024 });
        }
        using (var job = NodeRing("run-1-1"))
        {
            job.Add(new CgroupSample { TimestampNs = At(100), Path = "/tracekit/job", Version = 2, CpuUsageNs = 1_000_000 });
            job.Add(new CgroupSample { TimestampNs = At(200), Path = "/tracekit/job", Version = 2, CpuUsageNs = 90_000_000 });
        }
        var (code, console) = Convert(Out, "--tasks", "processes");
        Assert.True(code == 0, console.ErrorText + console.OutText);

        var task = Assert.Single(OpendcTables.Tasks(Out));
        Assert.Equal(("cgroup /app.slice/web.service", 400L, 1), (task.Name, task.Duration, task.CpuCount));
        Assert.InRange(task.Submission, EpochMs + 99, EpochMs + 100); // its first sample
        Assert.Equal(301_000, task.Mem); // peak 307,201 KiB → 301 MiB, × 1000
        // Counted from its first sample: 4 intervals of 80 ms CPU.
        Assert.Equal(0.32 * Mhz, MhzSeconds(OpendcTables.Fragments(Out)), 6);
    }

    [Fact]
    public void Opendc_MissingRunFolder_PlainErrorWithoutStackTrace()
    {
        var (code, console) = CapturingConsole.Run("opendc", "--run-dir", Path.Combine(_run.Root, "nope"), "--out", Out);
        Assert.Equal((int)ReturnCode.RunNotFound, code);
        Assert.StartsWith("error: Run folder", console.ErrorText);
        Assert.Contains("does not exist", console.ErrorText);
        Assert.DoesNotContain("   at ", console.ErrorText + console.OutText);
    }

    [Theory]
    [InlineData("opendc", "--run-dir", "x", "--bogus")]
    [InlineData("opendc", "--run-dir", "x", "--tasks", "vms")]
    [InlineData("opendc")]
    public void Opendc_BadArguments_ArgumentErrorWithUsageHintWithoutStackTrace(params string[] args)
    {
        var (code, console) = CapturingConsole.Run(args);
        Assert.Equal((int)ReturnCode.ArgumentError, code);
        Assert.StartsWith("error: ", console.ErrorText);
        Assert.Contains("--help", console.ErrorText);
        Assert.DoesNotContain("   at ", console.ErrorText + console.OutText);
    }
}
