using System.Globalization;
using Tracekit.Native;

namespace Tracekit.Collector.Tests;

/// <summary>2,000 short-lived children of a tracked parent, sampled at 10 ms. Forks hard: runs alone.</summary>
[Collection(CpuAccuracyCollection.Name)]
public sealed class ChurnTests : IDisposable
{
    private const int Children = 2000;
    private const int Concurrency = 20;
    private readonly TempDir _dir = new("tk-churn");
    private readonly ITestOutputHelper _output;

    public ChurnTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Collect_TwoThousandShortLivedChildren_StartAndExitForEveryChildThatLivedThroughATick()
    {
        string log = _dir.File("churn.log");
        using var parent = Spawned.Start(NativeHelpers.Churn, [Children.ToString(CultureInfo.InvariantCulture), Concurrency.ToString(CultureInfo.InvariantCulture), "20", "50", log], redirectStdin: true);
        using var collector = CollectorRun.Start(_dir.Path, "churn", "--pid", parent.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "10ms", "--host-interval", "10ms");
        collector.WaitUntilRunning();
        Thread.Sleep(300);
        int baselineFds = Proc.CountFds(collector.Process.Pid);

        var fdCounts = new List<int>();
        parent.WriteLine("go");
        while (!parent.HasExited)
        {
            fdCounts.Add(Proc.CountFds(collector.Process.Pid));
            Thread.Sleep(50);
        }
        Assert.Equal(0, parent.WaitForExit(TimeSpan.FromSeconds(120)));
        Thread.Sleep(300);
        int finalFds = Proc.CountFds(collector.Process.Pid);
        collector.Process.Signal(Libc.SigTerm);
        int code = collector.WaitForExit(TimeSpan.FromSeconds(30));
        Assert.True(code == 0, $"collector exited {code}; stderr:\n{collector.Process.Stderr}");

        var ring = collector.ReadRing();
        Assert.Empty(ring.DecodeErrors);
        var ticks = ring.TickTimestamps().Select(t => (long)t).ToArray();
        var duplicates = ring.Of<ProcessStart>().GroupBy(p => (p.Pid, p.StartTicks)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"{duplicates.Count} processes have more than one ProcessStart, e.g. {string.Join(", ", duplicates.Take(5))}");
        var starts = ring.Of<ProcessStart>().Where(p => p.Ppid == parent.Pid).ToDictionary(p => (p.Pid, p.StartTicks));
        var exits = ring.Of<ProcessExit>().Select(e => (e.Pid, e.StartTicks)).ToHashSet();
        var children = File.ReadLines(log).Select(l => l.Split(' ').Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
        Assert.Equal(Children, children.Count);

        // A child lived through a tick when one tick began after it was forked and the next tick began before it
        // ended: the first tick's scan then ran while the child was alive.
        int lived = 0, missingStart = 0, missingExit = 0;
        var problems = new List<string>();
        foreach (var c in children)
        {
            int pid = (int)c[1];
            long forkedNs = c[3], endNs = c[4];
            int k = Array.FindIndex(ticks, t => t >= forkedNs);
            if (k < 0 || k + 1 >= ticks.Length || ticks[k + 1] > endNs) continue;
            lived++;
            var start = starts.Keys.Where(s => s.Pid == pid).ToList();
            if (start.Count == 0) { missingStart++; if (problems.Count < 10) problems.Add($"child {c[0]} pid {pid} alive {(endNs - forkedNs) / 1e6:0.0} ms: no ProcessStart"); continue; }
            if (!start.Any(exits.Contains)) { missingExit++; if (problems.Count < 10) problems.Add($"child {c[0]} pid {pid}: no ProcessExit"); }
        }

        _output.WriteLine($"{lived} of {Children} children lived through a tick; {starts.Count} ProcessStart, missing start {missingStart}, missing exit {missingExit}");
        _output.WriteLine($"collector fds: baseline {baselineFds}, max during churn {fdCounts.Max()}, after {finalFds}; {ticks.Length} ticks");
        var self = ring.Of<SelfReport>().Last();
        _output.WriteLine($"ticks {self.Ticks}, missed {self.MissedTicks}, late {self.LateTicks}, max lateness {self.MaxLatenessNs / 1e6:0.0} ms");
        foreach (var p in problems) _output.WriteLine(p);

        Assert.True(lived >= Children / 2, $"only {lived} children lived through a tick: the test did not exercise the collector");
        Assert.Equal(0, missingStart);
        Assert.Equal(0, missingExit);
        // Bounded: each tracked child costs the collector 4 fds (stat, statm, task dir, pidfd). A child that exited
        // stays tracked until the next tick's exit poll, while up to Concurrency new ones start, so at most
        // 2 x Concurrency children are tracked at once. They are all closed again.
        Assert.InRange(fdCounts.Max(), 0, baselineFds + 4 * 2 * Concurrency + 16);
        Assert.InRange(finalFds, 0, baselineFds + 2);
    }
}
