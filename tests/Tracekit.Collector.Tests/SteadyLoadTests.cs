using System.Globalization;

namespace Tracekit.Collector.Tests;

/// <summary>
/// One run, shared by the tests below: `stress-ng --cpu 1 --cpu-load 50` sampled with `--pid WORKER --interval
/// 100ms`, while this process reads the worker's kernel counters every ~2 ms and `pidstat -u -p WORKER 1` runs.
/// </summary>
public sealed class SteadyLoadRun
{
    public const double CollectSeconds = 12;
    private const long GridNs = 100_000_000;
    private const long SecondNs = 1_000_000_000;

    public SteadyLoadRun()
    {
        ToolsMissing = new[] { "stress-ng", "pidstat" }.Where(t => !OnPath(t)).ToArray();
        if (ToolsMissing.Length > 0) return;
        using var dir = new TempDir("tk-steady");
        using var stress = Spawned.Start("stress-ng", ["--cpu", "1", "--cpu-load", "50", "--timeout", "30s"]);
        int worker = 0;
        Proc.WaitForOrFail(() => (worker = Proc.ChildrenOf(stress.Pid).FirstOrDefault()) != 0, TimeSpan.FromSeconds(10), "the stress-ng worker");
        WorkerPid = worker;
        Thread.Sleep(500);

        using var kernel = new KernelCpuRecorder(worker);
        using var collector = CollectorRun.Start(dir.Path, "steady", "--pid", worker.ToString(CultureInfo.InvariantCulture),
            "--interval", "100ms", "--duration", $"{CollectSeconds}s");
        collector.WaitUntilRunning();
        using var pidstat = StartPidstatOnTheCollectorsGrid(collector.FirstTickNs(), worker);
        Assert.Equal(0, pidstat.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(60)));
        PidstatLines = DataLines(pidstat, worker);
        Ring = collector.ReadRing();
        StatNs = kernel.StatNs();
        SchedstatNs = kernel.SchedstatNs();
    }

    public string[] ToolsMissing { get; } = [];
    public int WorkerPid { get; }
    /// <summary>The worker's utime+stime (tick resolution) and schedstat run time, both in ns, read by this process.</summary>
    public Series? StatNs { get; }
    public Series? SchedstatNs { get; }
    public List<(long ArrivalNs, string[] Fields)> PidstatLines { get; } = [];
    public RingContents? Ring { get; }
    /// <summary>How far pidstat's reads fall from the collector's tick grid, and how many starts that took.</summary>
    public long PidstatPhaseNs { get; private set; }
    public int PidstatStarts { get; private set; }

    /// <summary>
    /// pidstat reads every 1 s from its start; the collector every 100 ms. Unaligned 1 s windows of a bursty load
    /// differ by whatever burst falls between the two edges, so pidstat is started to read on the collector's
    /// grid: then "the same second" is the same window for both. Its start-up delay is learnt from its first line
    /// and it is restarted (at most twice) when it landed more than 15 ms off the grid.
    /// </summary>
    private Spawned StartPidstatOnTheCollectorsGrid(long firstTickNs, int worker)
    {
        long startupNs = 5_000_000;
        for (int attempt = 1; ; attempt++)
        {
            long target = firstTickNs + CeilDiv(Mono.NowNs() + 150_000_000 - firstTickNs, GridNs) * GridNs;
            SleepUntil(target - startupNs);
            var pidstat = Spawned.Start("pidstat", ["-u", "-h", "-H", "-p", worker.ToString(CultureInfo.InvariantCulture), "1", "6"],
                environment: new Dictionary<string, string> { ["LC_ALL"] = "C", ["S_TIME_FORMAT"] = "ISO" });
            Proc.WaitForOrFail(() => DataLines(pidstat, worker).Count > 0 || pidstat.HasExited, TimeSpan.FromSeconds(5), "pidstat's first line");
            var first = DataLines(pidstat, worker);
            Assert.True(first.Count > 0, $"pidstat printed no data line: {pidstat.Stdout} {pidstat.Stderr}");
            long phase = Mod(first[0].ArrivalNs - SecondNs - firstTickNs + GridNs / 2, GridNs) - GridNs / 2;
            PidstatPhaseNs = phase;
            PidstatStarts = attempt;
            if (Math.Abs(phase) <= 15_000_000 || attempt == 3) return pidstat;
            pidstat.Dispose();
            startupNs += phase;
        }
    }

    private static List<(long ArrivalNs, string[] Fields)> DataLines(Spawned pidstat, int pid) =>
        pidstat.StdoutLines
            .Select(l => (l.ArrivalNs, Fields: l.Line.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .Where(l => l.Fields.Length >= 10 && long.TryParse(l.Fields[0], CultureInfo.InvariantCulture, out _)
                && l.Fields[2] == pid.ToString(CultureInfo.InvariantCulture))
            .ToList();

    private static void SleepUntil(long monotonicNs)
    {
        long leftMs = (monotonicNs - Mono.NowNs()) / 1_000_000;
        if (leftMs > 2) Thread.Sleep((int)leftMs - 2);
        while (Mono.NowNs() < monotonicNs) Thread.SpinWait(100);
    }

    private static long CeilDiv(long a, long b) => a <= 0 ? 0 : (a + b - 1) / b;
    private static long Mod(long a, long b) => ((a % b) + b) % b;

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));
}

[Collection(CpuAccuracyCollection.Name)]
public sealed class SteadyLoadTests : IClassFixture<SteadyLoadRun>
{
    private const double TolerancePp = 3;
    private readonly SteadyLoadRun _run;
    private readonly ITestOutputHelper _output;

    public SteadyLoadTests(SteadyLoadRun run, ITestOutputHelper output)
    {
        _run = run;
        _output = output;
    }

    [SkippableFact]
    public void ProcessCpu_StressNgHalfLoad_MatchesKernelCountersPerSecondWithin3pp()
    {
        Skip.If(_run.ToolsMissing.Length > 0, $"not installed: {string.Join(", ", _run.ToolsMissing)} (tools/test.sh installs them)");
        var samples = _run.Ring!.SamplesOf(_run.WorkerPid);
        Assert.True(samples.Count >= 80, $"only {samples.Count} samples of the worker in {SteadyLoadRun.CollectSeconds} s at 100 ms");
        var ticks = _run.StatNs!;
        var sched = _run.SchedstatNs!;

        var errorsTicks = new List<double>();
        var errorsSched = new List<double>();
        var values = new List<double>();
        // Consecutive 1 s windows whose ends are the collector's own samples.
        for (int i = 0; i < samples.Count;)
        {
            long t0 = (long)samples[i].TimestampNs;
            int j = samples.FindIndex(i, s => (long)s.TimestampNs - t0 >= 950_000_000);
            if (j < 0) break;
            long t1 = (long)samples[j].TimestampNs;
            if (!ticks.Covers(t0) || !ticks.Covers(t1)) { i = j; continue; }
            double dt = t1 - t0;
            double collectorPct = 100.0 * (samples[j].CpuTimeNs - samples[i].CpuTimeNs) / dt;
            double ticksPct = 100.0 * (ticks.At(t1) - ticks.At(t0)) / dt;
            double schedPct = 100.0 * (sched.At(t1) - sched.At(t0)) / dt;
            _output.WriteLine($"window {dt / 1e9:0.000} s: collector {collectorPct:0.00}%  /proc/PID/stat {ticksPct:0.00}%  schedstat {schedPct:0.00}%  (reads {ticks.GapAt(t0) / 1e6:0.0}/{ticks.GapAt(t1) / 1e6:0.0} ms apart)");
            values.Add(collectorPct);
            errorsTicks.Add(collectorPct - ticksPct);
            errorsSched.Add(collectorPct - schedPct);
            i = j;
        }

        _output.WriteLine($"collector %CPU per 1 s: {Stats.Summary(values)}");
        _output.WriteLine($"error vs /proc/PID/stat ticks (pp): {Stats.Summary(errorsTicks)}");
        _output.WriteLine($"error vs /proc/PID/schedstat ns (pp): {Stats.Summary(errorsSched)}");
        Assert.True(errorsTicks.Count >= 8, $"only {errorsTicks.Count} full 1 s windows");
        Assert.All(samples, s => Assert.NotEqual(CpuSource.StatTicks, s.CpuSource));
        Assert.All(errorsTicks, e => Assert.InRange(e, -TolerancePp, TolerancePp));
        Assert.All(errorsSched, e => Assert.InRange(e, -TolerancePp, TolerancePp));
        // stress-ng's 50% is nominal; a worker reading far from it means the load never happened.
        Assert.InRange(values.Average(), 10, 60);
    }

    [SkippableFact]
    public void ProcessCpu_StressNgHalfLoad_MatchesPidstatSameSecondWithin3pp()
    {
        Skip.If(_run.ToolsMissing.Length > 0, $"not installed: {string.Join(", ", _run.ToolsMissing)} (tools/test.sh installs them)");
        var ring = _run.Ring!;
        var samples = ring.SamplesOf(_run.WorkerPid);
        var collector = new Series(samples.Select(s => ((long)s.TimestampNs, (double)s.CpuTimeNs)));
        var lines = _run.PidstatLines;
        Assert.True(lines.Count >= 5, $"pidstat printed {lines.Count} data lines");
        _output.WriteLine($"pidstat reads {_run.PidstatPhaseNs / 1e6:+0.0;-0.0} ms from the collector's grid (started {_run.PidstatStarts} time(s))");

        // pidstat reads on a 1 s alarm and prints right away, so line k arrives at read k plus a delivery delay that
        // is a few ms, sometimes tens under load. A late alarm only delays the later reads, so every later line's
        // arrival, minus its whole seconds, is also an upper bound on read k; the smallest is the tightest.
        long ReadTime(int k) => Enumerable.Range(k, Math.Min(lines.Count, k + 3) - k)
            .Min(j => lines[j].ArrivalNs - (j - k) * 1_000_000_000L);

        var sched = _run.SchedstatNs!;
        var errors = new List<double>();
        var pidstatVsKernel = new List<double>();
        for (int k = 0; k < lines.Count; k++)
        {
            long end = ReadTime(k);
            long start = k > 0 ? ReadTime(k - 1) : end - 1_000_000_000;
            long epoch = long.Parse(lines[k].Fields[0], CultureInfo.InvariantCulture);
            double pidstatPct = double.Parse(lines[k].Fields[7], CultureInfo.InvariantCulture);
            // The same wall-clock second: the ring's ClockAnchor must put the window's end in the second pidstat printed.
            double endEpoch = ring.EpochSecondsOf(end);
            Assert.InRange(endEpoch - epoch, -0.02, 1.02);
            if (!collector.Covers(start) || !collector.Covers(end)) continue;
            double collectorPct = 100.0 * (collector.At(end) - collector.At(start)) / (end - start);
            // Diagnostic only: the exact (ns) kernel figure for the window, to tell pidstat's tick rounding from our error.
            double kernelPct = sched.Covers(start) && sched.Covers(end) ? 100.0 * (sched.At(end) - sched.At(start)) / (end - start) : double.NaN;
            _output.WriteLine($"second {epoch} (window {start / 1e9:0.000}..{end / 1e9:0.000} mono, ends at epoch {endEpoch:0.000}): pidstat {pidstatPct:0.00}%  collector {collectorPct:0.00}%  schedstat {kernelPct:0.00}%");
            errors.Add(collectorPct - pidstatPct);
            if (!double.IsNaN(kernelPct)) pidstatVsKernel.Add(pidstatPct - kernelPct);
        }

        _output.WriteLine($"error vs pidstat (pp): {Stats.Summary(errors)}; pidstat's own error vs schedstat (pp): {Stats.Summary(pidstatVsKernel)}");
        Assert.True(errors.Count >= 5, $"only {errors.Count} pidstat seconds inside the collection");
        Assert.All(errors, e => Assert.InRange(e, -TolerancePp, TolerancePp));
    }
}
