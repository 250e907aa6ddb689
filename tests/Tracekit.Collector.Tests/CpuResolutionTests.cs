using System.Globalization;

namespace Tracekit.Collector.Tests;

/// <summary>Per-process CPU at 10 ms (a nanosecond source, not 10 ms ticks) and across threads.</summary>
[Collection(CpuAccuracyCollection.Name)]
public sealed class CpuResolutionTests : IDisposable
{
    private readonly TempDir _dir = new("tk-cpures");
    private readonly ITestOutputHelper _output;

    public CpuResolutionTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ProcessCpu_DutyCycleBurnerAt10ms_MatchesBurnersOwnClockWithin10ppMeanError()
    {
        string log = _dir.File("duty.log");
        using var burner = Spawned.Start(NativeHelpers.Duty, ["30", "1000", "5", log]);
        Thread.Sleep(300);
        using (var collector = CollectorRun.Start(_dir.Path, "ns", "--pid", burner.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "10ms", "--duration", "3s"))
        {
            Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(60)));
            Assert.Equal(0, burner.WaitForExit(TimeSpan.FromSeconds(60)));
            var samples = collector.ReadRing().SamplesOf(burner.Pid);
            // The burner's log: (CLOCK_MONOTONIC, its own CLOCK_THREAD_CPUTIME_ID) at both ends of every busy part.
            var own = new Series(File.ReadLines(log).Select(line =>
            {
                var f = line.Split(' ');
                return (long.Parse(f[0], CultureInfo.InvariantCulture), double.Parse(f[1], CultureInfo.InvariantCulture));
            }));

            var errors = new List<double>();
            var collectorPcts = new List<double>();
            var ownPcts = new List<double>();
            for (int i = 1; i < samples.Count; i++)
            {
                long t0 = (long)samples[i - 1].TimestampNs, t1 = (long)samples[i].TimestampNs;
                if (!own.Covers(t0) || !own.Covers(t1)) continue;
                double dt = t1 - t0;
                double collectorPct = 100.0 * (samples[i].CpuTimeNs - samples[i - 1].CpuTimeNs) / dt;
                double ownPct = 100.0 * (own.At(t1) - own.At(t0)) / dt;
                collectorPcts.Add(collectorPct);
                ownPcts.Add(ownPct);
                errors.Add(Math.Abs(collectorPct - ownPct));
            }

            _output.WriteLine($"{samples.Count} samples, {errors.Count} windows inside the burner's log; sources: {string.Join(",", samples.Select(s => s.CpuSource).Distinct())}");
            _output.WriteLine($"collector %CPU per sample: {Stats.Summary(collectorPcts)}");
            _output.WriteLine($"burner's own %CPU per sample: {Stats.Summary(ownPcts)}");
            _output.WriteLine($"absolute error (pp): {Stats.Summary(errors)}; over 10 pp: {errors.Count(e => e > 10)}");
            Assert.True(errors.Count >= 150, $"only {errors.Count} 10 ms windows inside the burner's log");
            Assert.All(samples, s => Assert.NotEqual(CpuSource.StatTicks, s.CpuSource));
            Assert.True(errors.Average() <= 10, $"mean absolute error {errors.Average():0.00} pp > 10 pp");
        }
    }

    [SkippableFact]
    public void ProcessCpu_TwoBusyThreads_ReadsTwoHundredPercentWithin10pp()
    {
        using var burner = Spawned.Start(NativeHelpers.Spin, ["2", "6"]);
        using var kernel = new KernelCpuRecorder(burner.Pid);
        Thread.Sleep(300);
        using var collector = CollectorRun.Start(_dir.Path, "threads", "--pid", burner.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "100ms", "--duration", "4s");
        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(60)));

        var samples = collector.ReadRing().SamplesOf(burner.Pid);
        Assert.True(samples.Count >= 20, $"only {samples.Count} samples");
        long t0 = (long)samples[0].TimestampNs, t1 = (long)samples[^1].TimestampNs;
        double collectorPct = 100.0 * (samples[^1].CpuTimeNs - samples[0].CpuTimeNs) / (t1 - t0);
        // The kernel's figure over the very same window: /proc/PID/stat utime+stime of all threads, interpolated.
        var stat = kernel.StatNs();
        double kernelPct = 100.0 * (stat.At(t1) - stat.At(t0)) / (t1 - t0);
        var perSecond = new List<double>();
        for (int i = 10; i < samples.Count; i += 10)
            perSecond.Add(100.0 * (samples[i].CpuTimeNs - samples[i - 10].CpuTimeNs) / (samples[i].TimestampNs - samples[i - 10].TimestampNs));
        _output.WriteLine($"collector {collectorPct:0.00}% over {(samples[^1].TimestampNs - samples[0].TimestampNs) / 1e9:0.00} s; kernel /proc/PID/stat {kernelPct:0.00}%; per second: {Stats.Summary(perSecond)}; threads {samples[^1].Threads}");

        Assert.Equal(3, samples[^1].Threads);
        // What the collector owes: the kernel's figure for the same window, whatever the machine gave the burner.
        Assert.InRange(collectorPct - kernelPct, -3, 3);
        // "About 200 %" is only true when the machine had two idle cores for the burner; on a loaded machine the
        // kernel itself reports less, and asserting 200 % would test the neighbours, not the collector.
        Skip.If(kernelPct < 190, $"the kernel gave the burner only {kernelPct:0.00}% (a loaded machine); the collector matched it ({collectorPct:0.00}%), but 200 ± 10 cannot be checked here");
        Assert.True(collectorPct is >= 190 and <= 210, $"collector read {collectorPct:0.00}% (kernel {kernelPct:0.00}%), expected 200 ± 10");
    }
}
