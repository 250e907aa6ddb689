using System.Globalization;
using Tracekit.Convert.Tests.Support;
using Tracekit.Format;
using Tracekit.Opendc.Validation;

namespace Tracekit.Convert.Tests;

/// <summary>
/// `tracekit-convert opendc` on rings written by the tests: tasks and fragments are read back by DuckDB, an
/// independent parquet reader, and checked against the CPU the rings recorded.
/// </summary>
public sealed class OpendcConversionTests : IDisposable
{
    private const ulong Base = 7_000_000_000_000;
    private const long EpochMs = 1_764_000_000_000;
    private const double Mhz = 2000;
    private readonly TestRun _run = new();

    private static ulong At(long ms) => Base + ((ulong)ms * 1_000_000);

    private static NodeInfo Node(int cores = 4) => new()
    {
        TimestampNs = At(0), Hostname = "n1", CpuModel = "Test CPU", CoreCount = cores, MaxMhz = Mhz,
        MemTotalKb = 8 << 20, ClockTicksPerSecond = 100, PageSizeInBytes = 4096, BootTimeRealtimeNs = (EpochMs - 3_600_000) * 1_000_000, Kernel = "6.18",
    };

    /// <summary>
    /// A `tracekit run` job from 0 to 1050 ms: a parent (pid 100) and a child (pid 101, born at 250 ms), sampled
    /// every 100 ms; the end record says the whole tree used 620 ms of CPU, more than the last tick saw.
    /// </summary>
    private void WriteJob(bool withCgroup, bool withEnd = true)
    {
        using (var collector = _run.Ring("n1"))
        {
            collector.Add(Clock.Anchor(At(0), EpochMs)).Add(Node());
        }
        using var job = _run.Ring("n1", stream: "run-4242-1");
        job.Add(Clock.Anchor(At(0), EpochMs)).Add(Node());
        job.Add(new InvocationStart { TimestampNs = At(0), TraceId = "trace-1", SpanId = "span-1", Method = "CLI", Path = "/bin/job", Pid = 100, PidStartTicks = 5, Cgroup = withCgroup ? "/tracekit/job" : null, EnqueueNs = (long)At(0) - 2_000_000_000 });
        job.Add(new ProcessStart { TimestampNs = At(0), Pid = 100, StartTicks = 5, Ppid = 1, Command = "job" });
        long parentCpuMs = 0, childCpuMs = 0;
        for (int tick = 1; tick <= 10; tick++)
        {
            long ms = tick * 100;
            parentCpuMs += 50; // half a core all the time
            if (tick == 3) job.Add(new ProcessStart { TimestampNs = At(ms), Pid = 101, StartTicks = 30, Ppid = 100, Command = "child" });
            if (tick >= 3) childCpuMs += 100; // one full core from 250 ms on, seen from the third tick
            job.Add(new ProcessSample { TimestampNs = At(ms), Pid = 100, StartTicks = 5, CpuTimeNs = (ulong)parentCpuMs * 1_000_000, CpuSource = CpuSource.ProcessClock, RssKb = 10_240, Threads = 1 });
            if (tick >= 3) job.Add(new ProcessSample { TimestampNs = At(ms), Pid = 101, StartTicks = 30, CpuTimeNs = (ulong)childCpuMs * 1_000_000, CpuSource = CpuSource.ProcessClock, RssKb = 5_000, Threads = 1 });
            if (withCgroup) job.Add(new CgroupSample { TimestampNs = At(ms), Path = "/tracekit/job", Version = 1, CpuUsageNs = (ulong)(parentCpuMs + childCpuMs) * 1_000_000, MemoryBytes = 1 << 20 });
        }
        if (withEnd)
            job.Add(new InvocationEnd { TimestampNs = At(1050), TraceId = "trace-1", SpanId = "span-1", Status = 0, CpuTimeNs = 1_400_000_000, PeakRssKb = 20_000 });
    }

    private string Out => Path.Combine(_run.RunDirectory, "opendc");

    private List<(int Id, long Duration, double Usage)> Fragments() => OpendcTables.Fragments(Out);

    private List<(int Id, long Submission, long Duration, int CpuCount, double Capacity, long Mem, string Name)> Tasks() => OpendcTables.Tasks(Out);

    [Fact]
    public void Opendc_JobWithCgroup_ConservesCpuAndSizesTheTask()
    {
        WriteJob(withCgroup: true);
        var (code, console) = CapturingConsole.Run("opendc", "--run-dir", _run.RunDirectory, "--out", Out);
        Assert.True(code == 0, console.ErrorText + console.OutText);

        var task = Assert.Single(Tasks());
        var fragments = Fragments();
        Assert.Equal(1, task.Id);
        Assert.Equal("trace-1", task.Name);
        Assert.Equal(EpochMs - 2000, task.Submission); // the enqueue time, 2 s before the start
        Assert.Equal(1050, task.Duration);
        Assert.Equal(task.Duration, fragments.Sum(f => f.Duration));
        Assert.All(fragments, f => Assert.Equal(1, f.Id));
        // 1.4 CPU-seconds (the end record: the last 50 ms are included) × 2000 MHz.
        double mhzSeconds = fragments.Sum(f => f.Usage * f.Duration) / 1000;
        Assert.InRange(mhzSeconds, 1.4 * Mhz * 0.99, 1.4 * Mhz * 1.01);
        // Busiest interval: 1.5 cores (half + one) → 2 cores.
        Assert.Equal(2, task.CpuCount);
        Assert.Equal(2 * Mhz, task.Capacity);
        Assert.Equal((long)Math.Ceiling(20_000 / 1024.0) * 1000, task.Mem); // peak RSS in MiB × 1000
        Assert.False(OpendcValidator.Validate(Out, Path.Combine(Out, "topology.json"), strict: true).HasErrors);
    }

    [Fact]
    public void Opendc_JobWithoutCgroup_SumsTheProcessTree()
    {
        WriteJob(withCgroup: false);
        var (code, console) = CapturingConsole.Run("opendc", "--run-dir", _run.RunDirectory, "--out", Out);
        Assert.True(code == 0, console.ErrorText + console.OutText);
        var fragments = Fragments();
        // Between 300 and 1000 ms the tree used 1.5 cores in every 100 ms interval: 3000 MHz.
        long t = 0;
        foreach (var f in fragments)
        {
            if (t >= 300 && t + f.Duration <= 1000) Assert.Equal(1.5 * Mhz, f.Usage, 6);
            t += f.Duration;
        }
        Assert.InRange(fragments.Sum(f => f.Usage * f.Duration) / 1000, 1.4 * Mhz * 0.99, 1.4 * Mhz * 1.01);
    }

    [Fact]
    public void Opendc_JobRunningAtCrash_StillWritesTheTaskUpToItsLastSample()
    {
        WriteJob(withCgroup: true, withEnd: false);
        var (code, console) = CapturingConsole.Run("opendc", "--run-dir", _run.RunDirectory, "--out", Out);
        Assert.True(code == 0, console.ErrorText + console.OutText);
        var task = Assert.Single(Tasks());
        Assert.Equal(1000, task.Duration);
        // The last sample saw 0.5 + 0.8 CPU-seconds.
        Assert.InRange(Fragments().Sum(f => f.Usage * f.Duration) / 1000, 1.3 * Mhz * 0.99, 1.3 * Mhz * 1.01);
    }

    [Fact]
    public void Opendc_IdleStretch_IsWrittenAsZeroUsageNotAsAGap()
    {
        using (var ring = _run.Ring("n1"))
        {
            ring.Add(Clock.Anchor(At(0), EpochMs)).Add(Node());
            ring.Add(new InvocationStart { TimestampNs = At(0), TraceId = "t", SpanId = "s", Pid = 7, Cgroup = "/cg" });
            ulong[] cumulativeMs = [100, 200, 200, 200, 200, 300];
            for (int i = 0; i < cumulativeMs.Length; i++)
                ring.Add(new CgroupSample { TimestampNs = At((i + 1) * 100), Path = "/cg", Version = 2, CpuUsageNs = cumulativeMs[i] * 1_000_000 });
            ring.Add(new InvocationEnd { TimestampNs = At(600), TraceId = "t", SpanId = "s", Status = 0, CpuTimeNs = 300_000_000 });
        }
        var (code, console) = CapturingConsole.Run("opendc", "--run-dir", _run.RunDirectory, "--out", Out);
        Assert.True(code == 0, console.ErrorText + console.OutText);
        var fragments = Fragments();
        Assert.Equal([(1, 200L, Mhz), (1, 300L, 0.0), (1, 100L, Mhz)], fragments.Select(f => (f.Id, f.Duration, Math.Round(f.Usage, 6))).ToList());
    }

    [Fact]
    public void Opendc_SampleAfterTheJobEnded_TaskLengthIsTheJobLength()
    {
        // `tracekit run` wrote a cgroup reading 154 ms after the job's end, before its end record (ring order).
        using (var ring = _run.Ring("n1", stream: "run-1-1"))
        {
            ring.Add(Clock.Anchor(At(0), EpochMs)).Add(Node());
            ring.Add(new InvocationStart { TimestampNs = At(0), TraceId = "t", SpanId = "s", Pid = 7, Cgroup = "/cg" });
            ring.Add(new CgroupSample { TimestampNs = At(100), Path = "/cg", Version = 2, CpuUsageNs = 100_000_000 });
            ring.Add(new CgroupSample { TimestampNs = At(200), Path = "/cg", Version = 2, CpuUsageNs = 200_000_000 });
            ring.Add(new CgroupSample { TimestampNs = At(354), Path = "/cg", Version = 2, CpuUsageNs = 250_000_000 });
            ring.Add(new InvocationEnd { TimestampNs = At(250), TraceId = "t", SpanId = "s", Status = 0, CpuTimeNs = 250_000_000 });
        }
        var (code, console) = CapturingConsole.Run("opendc", "--run-dir", _run.RunDirectory, "--out", Out);
        Assert.True(code == 0, console.ErrorText + console.OutText);
        var task = Assert.Single(Tasks());
        Assert.Equal(250, task.Duration);
        var fragments = Fragments();
        Assert.Equal(250, fragments.Sum(f => f.Duration));
        Assert.InRange(fragments.Sum(f => f.Usage * f.Duration) / 1000, 0.25 * Mhz * 0.999, 0.25 * Mhz * 1.001);
    }

    [Fact]
    public void Opendc_OneThreadJobWithEndSliver_CpuCountIsOne()
    {
        // One core for 1 s, and the end record (rusage) counts 3 ms more than the last tick, 0.2 ms after it: that
        // sliver alone would read as 15 cores.
        using (var ring = _run.Ring("n1", stream: "run-1-1"))
        {
            ring.Add(Clock.Anchor(At(0), EpochMs)).Add(Node(cores: 4));
            ring.Add(new InvocationStart { TimestampNs = At(0), TraceId = "t", SpanId = "s", Pid = 7, Cpuset = "0-3" });
            for (int tick = 1; tick <= 10; tick++)
                ring.Add(new ProcessSample { TimestampNs = At(tick * 100), Pid = 7, StartTicks = 1, CpuTimeNs = (ulong)tick * 100_000_000, CpuSource = CpuSource.ProcessClock, RssKb = 1000, Threads = 1 });
            ring.Add(new InvocationEnd { TimestampNs = At(1000) + 200_000, TraceId = "t", SpanId = "s", Status = 0, CpuTimeNs = 1_003_000_000, PeakRssKb = 3000 });
        }
        var (code, console) = CapturingConsole.Run("opendc", "--run-dir", _run.RunDirectory, "--out", Out);
        Assert.True(code == 0, console.ErrorText + console.OutText);
        var task = Assert.Single(Tasks());
        Assert.Equal(1, task.CpuCount);
        // mem_capacity is the end record's peak_rss_kb (3000 KiB → 3 MiB), the figure invocations.jsonl gives.
        Assert.Equal(3000, task.Mem);
    }

    [Fact]
    public void Opendc_JobBusierThanItsCpuset_CpuCountIsTheCpuset()
    {
        using (var ring = _run.Ring("n1", stream: "run-1-1"))
        {
            ring.Add(Clock.Anchor(At(0), EpochMs)).Add(Node(cores: 4));
            ring.Add(new InvocationStart { TimestampNs = At(0), TraceId = "t", SpanId = "s", Pid = 7, Cpuset = "2,3" });
            for (int tick = 1; tick <= 5; tick++)
                ring.Add(new ProcessSample { TimestampNs = At(tick * 100), Pid = 7, StartTicks = 1, CpuTimeNs = (ulong)tick * 300_000_000, CpuSource = CpuSource.ProcessClock, RssKb = 1000, Threads = 3 });
            ring.Add(new InvocationEnd { TimestampNs = At(500), TraceId = "t", SpanId = "s", Status = 0, CpuTimeNs = 1_500_000_000 });
        }
        var (code, console) = CapturingConsole.Run("opendc", "--run-dir", _run.RunDirectory, "--out", Out);
        Assert.True(code == 0, console.ErrorText + console.OutText);
        Assert.Equal(2, Assert.Single(Tasks()).CpuCount);
    }

    [Fact]
    public void Opendc_ProcessesModeWithReusedPid_WritesTwoTasks()
    {
        using (var ring = _run.Ring("n1"))
        {
            ring.Add(Clock.Anchor(At(0), EpochMs)).Add(Node());
            ring.Add(new ProcessStart { TimestampNs = At(0), Pid = 50, StartTicks = 10, Ppid = 1, Command = "first" });
            for (int i = 1; i <= 3; i++) ring.Add(new ProcessSample { TimestampNs = At(i * 100), Pid = 50, StartTicks = 10, CpuTimeNs = (ulong)i * 10_000_000, RssKb = 100 });
            ring.Add(new ProcessExit { TimestampNs = At(350), Pid = 50, StartTicks = 10 });
            ring.Add(new ProcessStart { TimestampNs = At(400), Pid = 50, StartTicks = 99, Ppid = 1, Command = "second" });
            for (int i = 5; i <= 7; i++) ring.Add(new ProcessSample { TimestampNs = At(i * 100), Pid = 50, StartTicks = 99, CpuTimeNs = (ulong)(i - 4) * 20_000_000, RssKb = 2048 });
        }
        var (code, console) = CapturingConsole.Run("opendc", "--run-dir", _run.RunDirectory, "--out", Out, "--tasks", "processes");
        Assert.True(code == 0, console.ErrorText + console.OutText);
        var tasks = Tasks();
        Assert.Equal(2, tasks.Count);
        Assert.Equal(["first", "second"], tasks.Select(t => t.Name).ToList());
        Assert.Equal(2000, tasks[1].Mem); // 2048 KiB = 2 MiB → 2000
        foreach (var t in tasks) Assert.Equal(t.Duration, Fragments().Where(f => f.Id == t.Id).Sum(f => f.Duration));
    }

    [Fact]
    public void Opendc_ConstantUsage_MergesIntoOneFragment()
    {
        using (var ring = _run.Ring("n1"))
        {
            ring.Add(Clock.Anchor(At(0), EpochMs)).Add(Node());
            ring.Add(new InvocationStart { TimestampNs = At(0), TraceId = "t", SpanId = "s", Pid = 7, Cgroup = "/cg" });
            for (int i = 1; i <= 50; i++)
                ring.Add(new CgroupSample { TimestampNs = At(i * 10), Path = "/cg", Version = 2, CpuUsageNs = (ulong)i * 5_000_000 });
            ring.Add(new InvocationEnd { TimestampNs = At(500), TraceId = "t", SpanId = "s", Status = 0, CpuTimeNs = 250_000_000 });
        }
        var (code, _) = CapturingConsole.Run("opendc", "--run-dir", _run.RunDirectory, "--out", Out);
        Assert.Equal(0, code);
        var fragment = Assert.Single(Fragments());
        Assert.Equal(500, fragment.Duration);
        Assert.Equal(0.5 * Mhz, fragment.Usage, 6);
    }

    /// <summary>
    /// Three processes sampled 5000 times each, interleaved: each task spills four chunks to the scratch file, and
    /// the fragments come back contiguous per task, in playback order, with their CPU conserved. The scratch file
    /// is gone afterwards.
    /// </summary>
    [Fact]
    public void Opendc_LongTasksBeyondOneChunk_SpilledAndReadBackInOrder()
    {
        const int Samples = 5000;
        WriteSawToothProcesses(Samples);
        var (code, console) = CapturingConsole.Run("opendc", "--run-dir", _run.RunDirectory, "--out", Out, "--tasks", "processes");
        Assert.True(code == 0, console.ErrorText + console.OutText);

        var fragments = Fragments();
        var tasks = Tasks();
        Assert.Equal(3, tasks.Count);
        Assert.Equal(fragments.Select(f => f.Id).Distinct().Count(), fragments.GroupBy(f => f.Id).Count());
        Assert.True(fragments.Zip(fragments.Skip(1)).Count(p => p.First.Id != p.Second.Id) == 2, "each task's fragments are contiguous");
        foreach (var t in tasks)
        {
            int pid = int.Parse(t.Name[1..], CultureInfo.InvariantCulture);
            var own = fragments.Where(f => f.Id == t.Id).ToList();
            Assert.True(own.Count >= Samples, $"task {t.Name}: {own.Count} fragments");
            Assert.Equal(t.Duration, own.Sum(f => f.Duration));
            // The first 10 ms of each sample: the usage that sample's CPU gives, in order.
            var expected = Enumerable.Range(1, Samples).Select(i => (((i * pid) % 7) + 1) / 10.0 * Mhz).ToList();
            var tail = own.TakeLast(Samples).Select(f => Math.Round(f.Usage, 6)).ToList();
            Assert.Equal(expected.Select(u => Math.Round(u, 6)), tail);
        }
        Assert.Empty(Directory.GetFiles(Out, ".fragments-*"));
    }

    /// <summary>Three processes sampled every 10 ms from 2 s on, each with a different saw-tooth of CPU.</summary>
    private void WriteSawToothProcesses(int samples)
    {
        using (var ring = _run.Ring("n1", segmentCapacityInBytes: 8 << 20))
        {
            ring.Add(Clock.Anchor(At(0), EpochMs)).Add(Node());
            // Born 2 s into the collection (start ticks 360_200 at 100 Hz after a boot 3600 s before At(0)), so each
            // task starts at its birth and its first sample is a fragment, not a baseline.
            for (int pid = 1; pid <= 3; pid++) ring.Add(new ProcessStart { TimestampNs = At(2000), Pid = pid, StartTicks = 360_200, Ppid = 1, Command = $"p{pid}" });
            var cpuNs = new ulong[4];
            for (int i = 1; i <= samples; i++)
            {
                for (int pid = 1; pid <= 3; pid++)
                {
                    // A saw-tooth per process, different per pid, so that no two neighbouring fragments merge.
                    cpuNs[pid] += (ulong)(((i * pid) % 7) + 1) * 1_000_000;
                    ring.Add(new ProcessSample { TimestampNs = At(2000 + (i * 10)), Pid = pid, StartTicks = 360_200, CpuTimeNs = cpuNs[pid], CpuSource = CpuSource.ProcessClock, RssKb = 1024, Threads = 1 });
                }
            }
        }
    }

    [SkippableFact]
    public void Opendc_OutputDiskFills_PlainErrorAndNoTableLeftBehind()
    {
        WriteSawToothProcesses(5000); // 15,000 fragments: ~360 KB of spill, more than the disk holds
        using var tmpfs = Tracekit.Testing.SmallTmpfs.Mount(Path.Combine(_run.Root, "small"), "128k");
        string output = Path.Combine(tmpfs.Path, "opendc");

        var (code, console) = CapturingConsole.Run("opendc", "--run-dir", _run.RunDirectory, "--out", output, "--tasks", "processes");

        Assert.Equal(3, code); // ReturnCode.OutputError
        Assert.StartsWith("error: No space left on device", console.ErrorText);
        Assert.DoesNotContain("   at ", console.ErrorText); // no stack trace
        Assert.Empty(Directory.GetFileSystemEntries(output)); // no partial table, no spill file
    }

    [Fact]
    public void TaskSeriesAdd_BeyondOneChunk_KeepsOneChunkInMemoryAndReadsAllBack()
    {
        string dir = Directory.CreateDirectory(Path.Combine(_run.RunDirectory, "spill")).FullName;
        using var spill = new Tracekit.Convert.Opendc.FragmentSpill(dir);
        var series = new Tracekit.Convert.Opendc.TaskSeries(0, 0, Mhz, spill);
        int count = (3 * Tracekit.Convert.Opendc.FragmentSpill.ChunkFragments) + 17;
        for (int i = 1; i <= count; i++) series.Add(i * 1_000_000L, (long)i * i * 1000);
        series.Finish();

        Assert.Equal(count, series.FragmentCount);
        Assert.InRange(series.FragmentsInMemory, 1, Tracekit.Convert.Opendc.FragmentSpill.ChunkFragments);
        Assert.Equal(3L * Tracekit.Convert.Opendc.FragmentSpill.ChunkFragments * 24, spill.LengthInBytes);
        Assert.Empty(Directory.GetFiles(dir)); // unlinked while open
        var all = series.ReadFragments().ToList();
        Assert.Equal(count, all.Count);
        for (int i = 1; i <= count; i++)
        {
            // Reading i minus reading i-1 over 1 ms: (2i - 1) µs of CPU.
            Assert.Equal(1, all[i - 1].DurationMs);
            Assert.Equal((2 * i - 1) / 1000.0 * Mhz, all[i - 1].CpuUsageMhz, 9);
        }
    }

    [Fact]
    public void Opendc_RunWithoutJobs_ExitsWithEmptyRunAndAHint()
    {
        using (var ring = _run.Ring("n1")) ring.Add(Clock.Anchor(At(0), EpochMs)).Add(Node());
        var (code, console) = CapturingConsole.Run("opendc", "--run-dir", _run.RunDirectory, "--out", Out);
        Assert.Equal(5, code);
        Assert.Contains("--tasks processes", console.ErrorText);
    }

    [Fact]
    public void Opendc_NegativeMergeThreshold_IsAnArgumentError()
    {
        WriteJob(withCgroup: true);
        var (code, console) = CapturingConsole.Run("opendc", "--run-dir", _run.RunDirectory, "--out", Out, "--merge-below-mhz", "-1");
        Assert.Equal(2, code);
        Assert.Contains("--merge-below-mhz", console.ErrorText);
    }

    public void Dispose() => _run.Dispose();
}
