using System.Globalization;
using System.Text.Json;
using Tracekit.Native;

namespace Tracekit.Collector.Tests;

/// <summary>--pid-dir, --all, and the two ring policies as the collector uses them.</summary>
public sealed class TargetSelectionTests : IDisposable
{
    private readonly TempDir _dir = new("tk-targets");
    private readonly ITestOutputHelper _output;

    public TargetSelectionTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Collect_PidDirFileAddedThenRemoved_SamplesOnlyWhileListed()
    {
        string pidDir = Directory.CreateDirectory(_dir.File("pids")).FullName;
        using var sleeper = Spawned.Start("sleep", ["60"]);
        using var collector = CollectorRun.Start(_dir.Path, "piddir", "--pid-dir", pidDir, "--interval", "10ms");
        collector.WaitUntilRunning();
        string pidFile = Path.Combine(pidDir, sleeper.Pid.ToString(CultureInfo.InvariantCulture));

        File.WriteAllText(pidFile, "");
        collector.WaitForRing(r => r.SamplesOf(sleeper.Pid).Count >= 10, "ten samples of the listed process");
        File.Delete(pidFile);
        long removedNs = Mono.NowNs();
        // Ticks well past the removal: a listed process would have been sampled on them.
        collector.WaitForRing(r => r.TickTimestamps() is { Count: > 0 } t && (long)t[^1] > removedNs + 200_000_000, "host ticks 200 ms after the removal");
        collector.Process.Signal(Libc.SigTerm);

        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(10)));
        var ring = collector.ReadRing();
        Assert.Single(ring.Of<ProcessStart>(), p => p.Pid == sleeper.Pid);
        var samples = ring.SamplesOf(sleeper.Pid);
        _output.WriteLine($"{samples.Count} samples; the last {(removedNs - (long)samples[^1].TimestampNs) / 1e6:0.0} ms before the file was removed");
        Assert.True(samples.Count >= 10, $"only {samples.Count} samples in 0.5 s at 10 ms");
        // One tick of slack: the file may vanish while the tick that lists it is running.
        Assert.True((long)samples[^1].TimestampNs <= removedNs + 20_000_000, "samples continued after the PID file was removed");
        Assert.DoesNotContain(ring.Of<ProcessExit>(), e => e.Pid == sleeper.Pid);
    }

    [Fact]
    public void Collect_All_SamplesEveryProcessIncludingNewOnes()
    {
        using var collector = CollectorRun.Start(_dir.Path, "all", "--all", "--interval", "100ms");
        collector.WaitUntilRunning();
        using var late = Spawned.Start("sleep", ["60"]);
        collector.WaitForRing(r => r.Of<ProcessStart>().Any(p => p.Pid == late.Pid), "the process started after the collector");
        collector.Process.Signal(Libc.SigTerm);

        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(10)));
        var ring = collector.ReadRing();
        var started = ring.Of<ProcessStart>().Select(p => p.Pid).ToHashSet();
        _output.WriteLine($"{started.Count} processes adopted");
        Assert.Contains(Environment.ProcessId, started);
        Assert.Contains(1, started);
        Assert.Contains(late.Pid, started);
        Assert.DoesNotContain(collector.Process.Pid, started);
        Assert.NotEmpty(ring.SamplesOf(late.Pid));
    }

    [Fact]
    public void Collect_OverwritePolicySmallRing_CountsOverwritesAndStaysReadable()
    {
        using var collector = CollectorRun.Start(_dir.Path, "overwrite", "--all", "--interval", "10ms", "--policy", "overwrite", "--ring-size", "64KiB", "--duration", "3s");

        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(30)));
        var ring = collector.ReadRing();
        var status = Status(collector);
        _output.WriteLine($"{ring.Records.Count} records readable; status {status}");
        Assert.Single(Directory.GetFiles(collector.NodeDirectory, "ring-*.tkr"));
        Assert.True(ring.LastHeader.OverwrittenRecords > 0, "a 64 KiB ring of a 3 s --all collection at 10 ms must have lapped");
        Assert.True(status.GetProperty("records_overwritten").GetInt64() > 0);
        Assert.Empty(ring.DecodeErrors);
        Assert.True(ring.LastHeader.Closed);
        Assert.NotEmpty(ring.Of<SelfReport>());
    }

    [Fact]
    public void Collect_NoLossAtMaxSize_DropsAreCountedNotSilent()
    {
        // Two 64 KiB segments at most; --all at 10 ms writes far more than that in 3 s.
        using var collector = CollectorRun.Start(_dir.Path, "maxsize", "--all", "--interval", "10ms", "--ring-size", "64KiB", "--max-size", "136KiB", "--duration", "3s");

        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(30)));
        var ring = collector.ReadRing();
        var status = Status(collector);
        _output.WriteLine($"{ring.Records.Count} records readable; status {status}");
        Assert.Equal(2, Directory.GetFiles(collector.NodeDirectory, "ring-*.tkr").Length);
        Assert.True(ring.LastHeader.DroppedRecords > 0, "the ring was full, yet the last segment's droppedRecords is 0");
        // The final SelfReport itself was dropped; status must still show the drops (from the header) and the
        // counters of the latest SelfReport that made it into the ring.
        Assert.True(status.GetProperty("records_dropped").GetInt64() >= ring.LastHeader.DroppedRecords, "status does not show the drops");
        Assert.True(status.TryGetProperty("records_written", out _), "status shows no records written");
        Assert.Empty(ring.DecodeErrors);
        Assert.Empty(ring.Damage);
    }

    private static JsonElement Status(CollectorRun collector)
    {
        var (code, stdout, stderr) = TracekitBinary.Run(["status", .. collector.CommonArgs, "--json"]);
        Assert.True(code == 0, $"status exited {code}: {stderr}");
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }
}
