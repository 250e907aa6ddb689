using System.Globalization;
using System.Text.RegularExpressions;

namespace Tracekit.Collector.Tests;

/// <summary>
/// `tracekit top` in a real terminal: tmux runs it at 80x24 next to a collection of a stress-ng worker, and the
/// screen is read with capture-pane. The worker's CPU % is checked against its own kernel counters.
/// </summary>
public sealed partial class TopTests : IDisposable
{
    private readonly TempDir _dir = new("tk-top");
    private readonly string _session = "tk-top-" + Guid.NewGuid().ToString("N")[..12];
    private TestCgroup? _favoured;

    [Fact]
    public void Top_BusyProcessNextToCollection_ListedFirstWithKernelCpuAndQuitsOnQ()
    {
        using var stress = Spawned.Start("stress-ng", ["--cpu", "1", "--cpu-load", "100", "--timeout", "120s"]);
        int worker = 0;
        Proc.WaitForOrFail(() => (worker = Proc.ChildrenOf(stress.Pid).FirstOrDefault()) != 0, TimeSpan.FromSeconds(10), "the stress-ng worker");
        // Removed in Dispose, once the worker (ended with `stress` at the end of this method) has left it.
        _favoured = Favour(worker);
        using var collector = CollectorRun.Start(_dir.Path, "top", "--pid", Inv(worker), "--pid", Inv(stress.Pid), "--interval", "100ms", "--duration", "120s");
        collector.WaitUntilRunning();

        Tmux(["new-session", "-d", "-s", _session, "-x", "80", "-y", "24",
            .. TracekitBinary.CommandLine(["top", "--run-id", "top", "--out", _dir.Path, "--node-id", CollectorRun.NodeId])]);

        // The kernel's counters, read while polling the screen; top's figure covers about its last second.
        var kernel = new List<(long Ns, long Ticks)>();
        string screen = string.Empty;
        Match row = Match.Empty;
        bool shown = Proc.WaitFor(() =>
        {
            if (Proc.TryReadStat(worker, out var stat)) kernel.Add((Mono.NowNs(), stat.CpuTicks));
            screen = Capture();
            row = FirstProcessRow().Match(screen);
            // Two host windows in: the worker's figure is a full second of samples, not the first partial one.
            return row.Success && kernel.Count > 0 && kernel[^1].Ns - kernel[0].Ns > 3_000_000_000L && screen.Contains("host cpu ", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30), pollMs: 100);
        Assert.True(shown, $"top did not list a process within 30 s. Screen:\n{screen}");

        Assert.Equal(worker, int.Parse(row.Groups["pid"].Value, CultureInfo.InvariantCulture));
        double topPercent = double.Parse(row.Groups["cpu"].Value, CultureInfo.InvariantCulture);
        var (endNs, endTicks) = kernel[^1];
        var (startNs, startTicks) = kernel.Last(k => k.Ns <= endNs - 1_000_000_000L);
        double kernelPercent = 100.0 * (endTicks - startTicks) / Proc.TicksPerSecond / ((endNs - startNs) / 1e9);
        Assert.True(kernelPercent >= 30, $"the worker was not busy ({kernelPercent:0.0}% of a core): the comparison would prove nothing. Screen:\n{screen}");
        Assert.True(Math.Abs(topPercent - kernelPercent) <= 10,
            $"top shows the worker at {topPercent}% of a core, its kernel counters at {kernelPercent:0.0}% over the last second. Screen:\n{screen}");
        Assert.All(screen.Split('\n'), line => Assert.True(line.TrimEnd().Length <= 80, $"a line is wider than 80 columns: '{line}'"));
        Assert.Contains("ticks ", screen, StringComparison.Ordinal);
        Assert.Contains("records ", screen, StringComparison.Ordinal);

        Tmux(["send-keys", "-t", _session, "q"]);
        Assert.True(Proc.WaitFor(() => !SessionExists(), TimeSpan.FromSeconds(10)), $"top did not exit on q. Screen:\n{Capture()}");
    }

    [Fact]
    public void Top_NotATerminal_PrintsOneSnapshotWithTheRunningJobAndExits()
    {
        using var collector = CollectorRun.Start(_dir.Path, "snap", "--pid", Inv(Environment.ProcessId), "--interval", "100ms", "--duration", "60s");
        collector.WaitUntilRunning();
        using var job = TracekitBinary.Start("run", "--run-id", "snap", "--out", _dir.Path, "--node-id", CollectorRun.NodeId, "--", "sleep", "30");
        string stdout = string.Empty;
        // The job's stream appears once `tracekit run` has started it: wait for top to see it, not for a time.
        Assert.True(Proc.WaitFor(() =>
        {
            var (code, output, stderr) = TracekitBinary.Run(TimeSpan.FromSeconds(30), "top", "--run-id", "snap", "--out", _dir.Path, "--node-id", CollectorRun.NodeId);
            Assert.True(code == 0, $"exit {code}: {stderr}");
            stdout = output;
            return stdout.Contains("jobs running 1: CLI ", StringComparison.Ordinal) && stdout.Contains("sleep (", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(20), pollMs: 200), $"top never showed the running job:\n{stdout}");
        Assert.Contains("tracekit top  run snap  node n1  collecting", stdout, StringComparison.Ordinal);
        Assert.Contains(Inv(Environment.ProcessId), stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", stdout, StringComparison.Ordinal);
        job.Signal(15);
    }

    [Theory]
    [InlineData("no-such-run", "n1", "no run 'no-such-run'")]
    [InlineData("exists", "no-such-node", "no ring of node 'no-such-node'")]
    public void Top_RunOrNodeMissing_FailsWithClearErrorAndExit4(string runId, string nodeId, string message)
    {
        Directory.CreateDirectory(Path.Combine(_dir.Path, "exists", "n1"));
        var (code, _, stderr) = TracekitBinary.Run(TimeSpan.FromSeconds(30), "top", "--run-id", runId, "--out", _dir.Path, "--node-id", nodeId);
        Assert.Equal(4, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (SessionExists()) Tmux(["kill-session", "-t", _session]);
        _favoured?.Dispose();
        _dir.Dispose();
    }

    /// <summary>
    /// A CPU cgroup of high weight for the worker, so it stays busy on a loaded machine (nice cannot beat other
    /// cgroups): at a few % of a core, 10 pp would not tell right from wrong. Null where no CPU controller is mounted.
    /// </summary>
    private TestCgroup? Favour(int pid)
    {
        (string Root, string File, string Value)[] controllers =
            [("/sys/fs/cgroup/cpu", "cpu.shares", "262144"), ("/sys/fs/cgroup", "cpu.weight", "10000")];
        foreach (var (root, file, value) in controllers)
        {
            if (!File.Exists(Path.Combine(root, "cgroup.procs")) || (file == "cpu.weight" && !File.Exists(Path.Combine(root, "cgroup.controllers"))))
                continue;
            var cgroup = new TestCgroup(Path.Combine(root, _session));
            try
            {
                File.WriteAllText(Path.Combine(cgroup.Directory, file), value);
                cgroup.Add(pid);
                return cgroup;
            }
            catch (IOException)
            {
                cgroup.Dispose(); // no such controller in this hierarchy: try the next one
            }
        }

        return null;
    }

    [GeneratedRegex(@"PID\s+CPU%.*\n\s*(?<pid>\d+)\s+(?<cpu>\d+\.\d)\s")]
    private static partial Regex FirstProcessRow();

    private string Capture()
    {
        using var p = Spawned.Start("tmux", ["capture-pane", "-p", "-t", _session]);
        p.WaitForExit(TimeSpan.FromSeconds(10));
        return p.Stdout;
    }

    private bool SessionExists()
    {
        using var p = Spawned.Start("tmux", ["has-session", "-t", _session]);
        return p.WaitForExit(TimeSpan.FromSeconds(10)) == 0;
    }

    private static void Tmux(IEnumerable<string> arguments)
    {
        using var p = Spawned.Start("tmux", arguments);
        int code = p.WaitForExit(TimeSpan.FromSeconds(10));
        Assert.True(code == 0, $"tmux {string.Join(' ', arguments)} exited {code}: {p.Stderr}");
    }

    private static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);
}
