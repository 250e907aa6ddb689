using System.Globalization;

namespace Tracekit.Collector.Tests;

/// <summary>--pid repeated, --match on the command line, and target options combined in one collection.</summary>
public sealed class TargetCombinationTests : IDisposable
{
    private const string V1Cpuacct = "/sys/fs/cgroup/cpuacct";
    private readonly TempDir _dir = new("tk-combo");
    private readonly ITestOutputHelper _output;
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..12];

    public TargetCombinationTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Collect_PidRepeated_SamplesEachGivenPidOnly()
    {
        using var a = Spawned.Start("sleep", ["60"]);
        using var b = Spawned.Start("sleep", ["60"]);
        using var other = Spawned.Start("sleep", ["60"]);

        var ring = Collect("pids", "--pid", Pid(a), "--pid", Pid(b));

        Assert.Equal([a.Pid, b.Pid], Started(ring));
        Assert.NotEmpty(ring.SamplesOf(a.Pid));
        Assert.NotEmpty(ring.SamplesOf(b.Pid));
        Assert.Empty(ring.SamplesOf(other.Pid));
    }

    [Fact]
    public void Collect_MatchOnArgumentNotName_AdoptsOnlyTheProcessWhoseArgumentMatches()
    {
        // Both are `tail`: only an argument, never the command name, tells them apart.
        string marker = "tkmatch-" + _suffix;
        using var matching = Spawned.Start("tail", ["-f", Touch(marker + ".log")]);
        using var other = Spawned.Start("tail", ["-f", Touch("other.log")]);
        WaitForExec(matching, "tail");
        WaitForExec(other, "tail");

        var ring = Collect("match-cmdline", "--match", marker);

        var start = Assert.Single(ring.Of<ProcessStart>());
        Assert.Equal(matching.Pid, start.Pid);
        Assert.DoesNotMatch(marker, start.Command);
        Assert.NotEmpty(ring.SamplesOf(matching.Pid));
        Assert.Empty(ring.SamplesOf(other.Pid));
    }

    [SkippableFact]
    public void Collect_PidMatchAndCgroupTogether_SamplesEveryTargetAndTheHost()
    {
        Skip.IfNot(Proc.IsRoot, "creating a cgroup needs root");
        Skip.IfNot(File.Exists(Path.Combine(V1Cpuacct, "cpuacct.usage")), $"no cgroup v1 cpuacct hierarchy at {V1Cpuacct}");
        using var cgroup = new TestCgroup(Path.Combine(V1Cpuacct, "tracekit-combo-" + _suffix));
        string marker = "tkcombo-" + _suffix;
        using var byPid = Spawned.Start("sleep", ["60"]);
        using var byMatch = Spawned.Start("tail", ["-f", Touch(marker + ".log")]);
        using var inCgroup = Spawned.Start("sleep", ["60"]);
        using var unrelated = Spawned.Start("sleep", ["60"]);
        WaitForExec(byMatch, "tail");
        cgroup.Add(inCgroup.Pid);

        var ring = Collect("combo", "--pid", Pid(byPid), "--match", marker, "--cgroup", cgroup.Directory);

        Assert.Equal(new[] { byPid.Pid, byMatch.Pid, inCgroup.Pid }.Order(), Started(ring));
        Assert.All(new[] { byPid, byMatch, inCgroup }, p => Assert.NotEmpty(ring.SamplesOf(p.Pid)));
        Assert.Empty(ring.SamplesOf(unrelated.Pid));
        var cgroupSamples = ring.Of<CgroupSample>().ToList();
        Assert.NotEmpty(cgroupSamples);
        Assert.All(cgroupSamples, s => Assert.Equal("/tracekit-combo-" + _suffix, s.Path));
        // The host is sampled whatever the targets are.
        Assert.NotEmpty(ring.Of<HostCpu>());
        Assert.NotEmpty(ring.Of<HostMemory>());
        Assert.NotEmpty(ring.Of<NetDevice>());
    }

    private RingContents Collect(string runId, params string[] targets)
    {
        using var collector = CollectorRun.Start(_dir.Path, runId, [.. targets, "--interval", "100ms", "--duration", "1500ms"]);
        int code = collector.WaitForExit(TimeSpan.FromSeconds(30));
        Assert.True(code == 0, $"collector exited {code}: {collector.Process.Stderr}");
        var ring = collector.ReadRing();
        _output.WriteLine($"{ring.Records.Count} records; started: {string.Join(", ", ring.Of<ProcessStart>().Select(p => $"{p.Pid} '{p.CommandLine}'"))}");
        return ring;
    }

    private static List<int> Started(RingContents ring) => ring.Of<ProcessStart>().Select(p => p.Pid).Order().ToList();

    private static string Pid(Spawned p) => p.Pid.ToString(CultureInfo.InvariantCulture);

    private string Touch(string name)
    {
        string path = _dir.File(name);
        File.WriteAllText(path, "");
        return path;
    }

    /// <summary>Until exec, a just-started child still carries the test host's name and command line.</summary>
    private static void WaitForExec(Spawned p, string comm) =>
        Proc.WaitForOrFail(() => Proc.TryReadStat(p.Pid, out var s) && s.Comm == comm, TimeSpan.FromSeconds(10), $"{p.Describe()} to exec");
}
