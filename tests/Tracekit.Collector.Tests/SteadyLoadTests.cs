using System.Globalization;
using Tracekit.Native;

namespace Tracekit.Collector.Tests;

/// <summary>
/// One run, shared by the tests below: `stress-ng --cpu 1 --cpu-load 50` sampled with `--pid WORKER --interval
/// 100ms`, while this process reads the worker's kernel counters every ~2 ms and `pidstat -u -p WORKER 1` runs.
/// </summary>
public sealed class SteadyLoadRun : IDisposable
{
    public const double CollectSeconds = 9;

    public SteadyLoadRun()
    {
        ToolsMissing = new[] { "stress-ng", "pidstat" }.Where(t => !OnPath(t)).ToArray();
        if (ToolsMissing.Length > 0) return;
        using var dir = new TempDir("tk-steady");
        using var stress = Spawned.Start("stress-ng", ["--cpu", "1", "--cpu-load", "50", "--timeout", "25s"]);
        int worker = 0;
        Proc.WaitForOrFail(() => (worker = Proc.ChildrenOf(stress.Pid).FirstOrDefault()) != 0, TimeSpan.FromSeconds(10), "the stress-ng worker");
        WorkerPid = worker;
        Thread.Sleep(500);

        using var kernel = new KernelCpuRecorder(worker);
        using var collector = CollectorRun.Start(dir.Path, "steady", "--pid", worker.ToString(CultureInfo.InvariantCulture),
            "--interval", "100ms", "--duration", $"{CollectSeconds}s");
        collector.WaitUntilRunning();
        Thread.Sleep(300);
        using var pidstat = Spawned.Start("pidstat", ["-u", "-h", "-H", "-p", worker.ToString(CultureInfo.InvariantCulture), "1", "6"],
            environment: new Dictionary<string, string> { ["LC_ALL"] = "C", ["S_TIME_FORMAT"] = "ISO" });
        Assert.Equal(0, pidstat.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(60)));
        PidstatLines = pidstat.StdoutLines;
        Ring = collector.ReadRing();
        StatNs = kernel.StatNs();
        SchedstatNs = kernel.SchedstatNs();
    }

    public string[] ToolsMissing { get; } = [];
    public int WorkerPid { get; }
    /// <summary>The worker's utime+stime (tick resolution) and schedstat run time, both in ns, read by this process.</summary>
    public Series? StatNs { get; }
    public Series? SchedstatNs { get; }
    public IReadOnlyList<(long ArrivalNs, string Line)> PidstatLines { get; } = [];
    public RingContents? Ring { get; }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));

    public void Dispose() { }
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
        Assert.True(samples.Count >= 60, $"only {samples.Count} samples of the worker in {SteadyLoadRun.CollectSeconds} s at 100 ms");
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
        Assert.True(errorsTicks.Count >= 6, $"only {errorsTicks.Count} full 1 s windows");
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

        // pidstat prints each line right after it read the counters (it flushes per interval), so a line's arrival
        // time, minus a few ms of pipe latency, is the end of its 1 s window; the window starts at the previous read.
        var data = _run.PidstatLines
            .Select(l => (l.ArrivalNs, Fields: l.Line.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .Where(l => l.Fields.Length >= 10 && long.TryParse(l.Fields[0], CultureInfo.InvariantCulture, out _) && l.Fields[2] == _run.WorkerPid.ToString(CultureInfo.InvariantCulture))
            .ToList();
        Assert.True(data.Count >= 4, $"pidstat printed {data.Count} usable lines:\n{string.Join('\n', _run.PidstatLines.Select(l => l.Line))}");

        var sched = _run.SchedstatNs!;
        var errors = new List<double>();
        var pidstatVsKernel = new List<double>();
        for (int k = 0; k < data.Count; k++)
        {
            long end = data[k].ArrivalNs;
            long start = k > 0 ? data[k - 1].ArrivalNs : end - 1_000_000_000;
            long epoch = long.Parse(data[k].Fields[0], CultureInfo.InvariantCulture);
            double pidstatPct = double.Parse(data[k].Fields[7], CultureInfo.InvariantCulture);
            // The same wall-clock second: the ring's ClockAnchor must put the window's end in the second pidstat printed.
            double endEpoch = ring.EpochSecondsOf(end);
            Assert.InRange(endEpoch - epoch, -0.02, 1.1);
            if (!collector.Covers(start) || !collector.Covers(end)) continue;
            double collectorPct = 100.0 * (collector.At(end) - collector.At(start)) / (end - start);
            // Diagnostic only: the exact (ns) kernel figure for the window, to tell pidstat's tick rounding from our error.
            double kernelPct = sched.Covers(start) && sched.Covers(end) ? 100.0 * (sched.At(end) - sched.At(start)) / (end - start) : double.NaN;
            _output.WriteLine($"second {epoch} (window ends at epoch {endEpoch:0.000}): pidstat {pidstatPct:0.00}%  collector {collectorPct:0.00}%  schedstat {kernelPct:0.00}%");
            errors.Add(collectorPct - pidstatPct);
            if (!double.IsNaN(kernelPct)) pidstatVsKernel.Add(pidstatPct - kernelPct);
        }

        _output.WriteLine($"error vs pidstat (pp): {Stats.Summary(errors)}; pidstat's own error vs schedstat (pp): {Stats.Summary(pidstatVsKernel)}");
        Assert.True(errors.Count >= 4, $"only {errors.Count} pidstat seconds inside the collection");
        Assert.All(errors, e => Assert.InRange(e, -TolerancePp, TolerancePp));
    }
}
