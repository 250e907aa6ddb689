using System.Text.Json;
using Tracekit.Native;
using Tracekit.Ring;

namespace Tracekit.Collector.Tests;

/// <summary>Every way a collection ends: `tracekit stop`, SIGTERM, SIGINT, --duration (clean: flushed and closed) and SIGKILL (recoverable).</summary>
public sealed class StopPathTests : IDisposable
{
    private readonly TempDir _dir = new("tk-stop");
    private readonly ITestOutputHelper _output;

    public StopPathTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Stop_RunningCollector_ExitsZeroWithClosedRing()
    {
        using var sleeper = Spawned.Start("sleep", ["60"]);
        using var collector = CollectorRun.Start(_dir.Path, "stop-cmd", "--interval", "10ms", "--pid", sleeper.Pid.ToString());
        collector.WaitUntilRunning();
        var running = Status(collector);
        Assert.True(running.GetProperty("running").GetBoolean(), running.ToString());
        collector.WaitForRing(r => r.SamplesOf(sleeper.Pid).Count > 0, "a sample of the tracked process");

        var (code, stdout, stderr) = TracekitBinary.Run(["stop", .. collector.CommonArgs]);

        Assert.True(code == 0, $"stop exited {code}: {stdout} {stderr}");
        Assert.True(collector.Process.TryWaitForExit(TimeSpan.FromSeconds(5)), "stop returned but the collector still runs");
        Assert.Equal(0, collector.Process.ExitCode);
        AssertClosedCleanly(collector);
        Assert.Contains(collector.ReadRing().Of<ProcessSample>(), s => s.Pid == sleeper.Pid);
    }

    [Fact]
    public void Stop_CollectorThatDoesNotExitInTime_ExitsStopTimedOutAndTheCollectorEndsCleanlyLater()
    {
        using var collector = CollectorRun.Start(_dir.Path, "stop-timeout", "--interval", "10ms");
        collector.WaitUntilRunning();
        // A stopped process keeps the SIGTERM pending: it cannot exit before the timeout.
        collector.Process.Signal(Libc.SigStop);

        var (code, stdout, stderr) = TracekitBinary.Run(["stop", .. collector.CommonArgs, "--timeout", "300ms"]);

        collector.Process.Signal(Libc.SigCont);
        Assert.True(code == 8, $"stop exited {code}: {stdout} {stderr}");
        Assert.Contains("did not exit within 0.3 s", stderr, StringComparison.Ordinal);
        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(10)));
        AssertClosedCleanly(collector);
    }

    [Theory]
    [InlineData(Libc.SigTerm, "sigterm")]
    [InlineData(Libc.SigInt, "sigint")]
    public void Signal_RunningCollector_ExitsZeroWithClosedRing(int signal, string runId)
    {
        using var sleeper = Spawned.Start("sleep", ["60"]);
        using var collector = CollectorRun.Start(_dir.Path, runId, "--interval", "10ms", "--pid", sleeper.Pid.ToString());
        collector.WaitUntilRunning();
        collector.WaitForRing(r => r.SamplesOf(sleeper.Pid).Count > 0, "a sample of the tracked process");

        collector.Process.Signal(signal);

        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(10)));
        var ring = AssertClosedCleanly(collector);
        Assert.Contains(ring.Of<ProcessSample>(), s => s.Pid == sleeper.Pid);
    }

    [Fact]
    public void Collect_Duration_ExitsByItselfWithClosedRing()
    {
        var sw = Stopwatch.StartNew();
        using var collector = CollectorRun.Start(_dir.Path, "duration", "--interval", "100ms", "--duration", "2s");

        int code = collector.WaitForExit(TimeSpan.FromSeconds(30));

        Assert.Equal(0, code);
        Assert.True(sw.Elapsed >= TimeSpan.FromSeconds(2), $"exited after {sw.Elapsed.TotalSeconds:0.00} s, before --duration 2s");
        var ring = AssertClosedCleanly(collector);
        var ticks = ring.TickTimestamps();
        double spanS = (ticks[^1] - ticks[0]) / 1e9;
        var last = ring.Of<SelfReport>().Last();
        _output.WriteLine($"tick span {spanS:0.000} s, {last.Ticks} ticks, {last.MissedTicks} missed, wall {sw.Elapsed.TotalSeconds:0.00} s");
        Assert.InRange(spanS, 1.8, 2.5); // the first tick may be late (JIT warm-up of a framework-dependent build)
        // A fixed schedule from 0 to 2 s at 100 ms has 21 slots: each one is either taken or counted as missed.
        Assert.InRange(last.Ticks + last.MissedTicks, 21UL, 22UL);
        Assert.Equal((int)last.Ticks, ticks.Count);
    }

    [Fact]
    public void Sigkill_RunningCollector_RingRecoversEveryCommittedRecord()
    {
        using var sleeper = Spawned.Start("sleep", ["60"]);
        using var collector = CollectorRun.Start(_dir.Path, "sigkill", "--interval", "10ms", "--pid", sleeper.Pid.ToString());
        collector.WaitUntilRunning();
        // status reads its counters from the latest self-report, written once a second.
        Proc.WaitForOrFail(() => Status(collector).TryGetProperty("records_written", out _), TimeSpan.FromSeconds(30), "a self-report in status");
        var status = Status(collector);
        long writtenBeforeReport = status.GetProperty("records_written").GetInt64();

        collector.Process.Signal(Libc.SigKill);
        collector.Process.TryWaitForExit(TimeSpan.FromSeconds(10));

        var ring = collector.ReadRing();
        _output.WriteLine($"status said {writtenBeforeReport} records before its self-report; the ring holds {ring.Records.Count}; damage: {string.Join("; ", ring.Damage.Select(d => d.Message))}");
        Assert.Empty(ring.DecodeErrors);
        // The self-report that status read counts the records before it; it and they were committed before the kill.
        Assert.True(ring.Records.Count >= writtenBeforeReport + 1, $"recovered {ring.Records.Count} records, status had seen {writtenBeforeReport} + 1");
        Assert.False(ring.LastHeader.Closed);
        Assert.All(ring.Damage, d => Assert.True(d.Kind is RingDamageKind.TornTail or RingDamageKind.Uncommitted, d.Message));
        AssertSelfReportsCountEveryRecord(ring);

        var after = Status(collector);
        Assert.False(after.GetProperty("running").GetBoolean());
        Assert.False(after.GetProperty("closed_cleanly").GetBoolean());
    }

    private static JsonElement Status(CollectorRun collector)
    {
        var (code, stdout, stderr) = TracekitBinary.Run(["status", .. collector.CommonArgs, "--json"]);
        Assert.True(code == 0, $"status exited {code}: {stderr}");
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    private RingContents AssertClosedCleanly(CollectorRun collector)
    {
        var ring = collector.ReadRing();
        Assert.True(ring.LastHeader.Closed, "the last segment's closedFlag is not set");
        Assert.Empty(ring.Damage);
        Assert.Empty(ring.DecodeErrors);
        Assert.NotEmpty(ring.Of<NodeInfo>());
        Assert.NotEmpty(ring.Of<ClockAnchor>());
        Assert.NotEmpty(ring.TickTimestamps());
        AssertSelfReportsCountEveryRecord(ring);
        Assert.True(File.Exists(Path.Combine(collector.NodeDirectory, "meta.json")), "no meta.json after a clean stop");
        Assert.False(File.Exists(collector.RegistrationFile), "the collector's registration outlived it");
        var status = Status(collector);
        Assert.False(status.GetProperty("running").GetBoolean());
        Assert.True(status.GetProperty("closed_cleanly").GetBoolean());
        _output.WriteLine($"{ring.Records.Count} records; status: {status}");
        return ring;
    }

    /// <summary>
    /// Each SelfReport counts the records written before it (none of those may be missing from the ring); the
    /// final one of a cleanly closed ring is its last record and counts itself too, as meta.json does.
    /// </summary>
    private static void AssertSelfReportsCountEveryRecord(RingContents ring)
    {
        int reports = 0;
        for (int i = 0; i < ring.Records.Count; i++)
        {
            if (ring.Records[i] is not SelfReport r) continue;
            reports++;
            bool final = ring.LastHeader.Closed && i == ring.Records.Count - 1;
            ulong expected = final ? (ulong)i + 1 : (ulong)i;
            Assert.True(expected == r.RecordsWritten, $"SelfReport at index {i} of {ring.Records.Count} counts {r.RecordsWritten} records");
        }
        if (ring.LastHeader.Closed) Assert.IsType<SelfReport>(ring.Records[^1]);
        Assert.True(reports > 0, "no SelfReport in the ring");
    }
}
