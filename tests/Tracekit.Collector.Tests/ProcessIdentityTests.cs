using System.Globalization;
using Tracekit.Native;

namespace Tracekit.Collector.Tests;

/// <summary>Process identity: PID reuse yields two processes; odd command names parse.</summary>
public sealed class ProcessIdentityTests : IDisposable
{
    private readonly TempDir _dir = new("tk-ident");
    private readonly ITestOutputHelper _output;

    public ProcessIdentityTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [SkippableFact]
    public void Collect_ChildPidReusedAtOnce_RecordsTwoProcesses()
    {
        Skip.IfNot(Proc.IsRoot, "forcing a PID to be reused writes /proc/sys/kernel/ns_last_pid, which needs root");
        string log = _dir.File("pidreuse.log");
        // Child A lives 300 ms; the moment it is reaped its PID goes to child B (300 ms): no tick sees the PID free.
        using var parent = Spawned.Start(NativeHelpers.PidReuse, ["300", "300", log], redirectStdin: true);
        using var collector = CollectorRun.Start(_dir.Path, "reuse", "--pid", parent.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "10ms");
        collector.WaitUntilRunning();

        parent.WriteLine("go");

        int code = parent.WaitForExit(TimeSpan.FromSeconds(30));
        Thread.Sleep(200);
        collector.Process.Signal(Libc.SigTerm);
        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(10)));
        string result = File.ReadAllText(log).Trim();
        _output.WriteLine($"pidreuse: {result}");
        Assert.True(code == 0, $"could not force the PID to be reused: {result} {parent.Stderr}");
        int pid = int.Parse(result.Split(' ')[0], CultureInfo.InvariantCulture);

        var ring = collector.ReadRing();
        var starts = ring.Of<ProcessStart>().Where(p => p.Pid == pid).ToList();
        _output.WriteLine(string.Join("\n", starts.Select(s => $"start pid {s.Pid} startTicks {s.StartTicks} ppid {s.Ppid} at {s.TimestampNs}")));
        _output.WriteLine(string.Join("\n", ring.Of<ProcessExit>().Where(p => p.Pid == pid).Select(s => $"exit pid {s.Pid} startTicks {s.StartTicks} at {s.TimestampNs}")));
        Assert.Equal(2, starts.Count);
        Assert.NotEqual(starts[0].StartTicks, starts[1].StartTicks);
        Assert.All(starts, s => Assert.Equal(parent.Pid, s.Ppid));
        // A's exit is recorded under A's identity, and every sample names one of the two identities.
        var exitOfFirst = Assert.Single(ring.Of<ProcessExit>(), e => e.Pid == pid && e.StartTicks == starts[0].StartTicks);
        Assert.True(exitOfFirst.TimestampNs <= starts[1].TimestampNs, "the first process must end before the second one is recorded");
        var samples = ring.SamplesOf(pid);
        Assert.Contains(samples, s => s.StartTicks == starts[0].StartTicks);
        Assert.Contains(samples, s => s.StartTicks == starts[1].StartTicks);
        Assert.All(samples, s => Assert.True(s.StartTicks == starts[0].StartTicks ? s.TimestampNs <= exitOfFirst.TimestampNs : s.TimestampNs >= starts[1].TimestampNs));
    }

    [Theory]
    [InlineData("a b) (c")]
    [InlineData("x) (y\nz")]
    public void Collect_CommandNameWithParensSpacesNewline_SampledCorrectly(string name)
    {
        string program = _dir.File(name);
        File.Copy("/bin/sleep", program);
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        using var odd = Spawned.Start(program, ["30"]);
        Proc.WaitForOrFail(() => Proc.TryReadStat(odd.Pid, out var s) && s.Comm == name, TimeSpan.FromSeconds(10), "the odd-named process to exec");
        Assert.True(Proc.TryReadStat(odd.Pid, out var stat));

        using var collector = CollectorRun.Start(_dir.Path, "odd", "--pid", odd.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "100ms", "--duration", "1500ms");

        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(30)));
        var ring = collector.ReadRing();
        var start = Assert.Single(ring.Of<ProcessStart>(), p => p.Pid == odd.Pid);
        Assert.Equal(name, start.Command);
        Assert.Equal(stat.StartTicks, start.StartTicks);
        Assert.Equal(stat.Ppid, start.Ppid);
        Assert.StartsWith(program, start.CommandLine);
        var samples = ring.SamplesOf(odd.Pid);
        Assert.True(samples.Count >= 8, $"only {samples.Count} samples in 1.5 s at 100 ms");
        Assert.All(samples, s => Assert.Equal(stat.StartTicks, s.StartTicks));
        Assert.All(samples, s => Assert.Equal(1, s.Threads));
        Assert.All(samples, s => Assert.InRange(s.RssKb, 1UL, 100_000UL));
        Assert.InRange(samples[^1].CpuTimeNs - samples[0].CpuTimeNs, 0UL, 20_000_000UL);
    }

    [Fact]
    public void Collect_MatchRegexOnOddName_AdoptsProcess()
    {
        string program = _dir.File("a b) (c");
        File.Copy("/bin/sleep", program);
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        using var odd = Spawned.Start(program, ["30"]);
        Proc.WaitForOrFail(() => Proc.TryReadStat(odd.Pid, out var s) && s.Comm == "a b) (c", TimeSpan.FromSeconds(10), "the odd-named process to exec");

        using var collector = CollectorRun.Start(_dir.Path, "match", "--match", @"^a b\) \(c$", "--interval", "100ms", "--duration", "1s");

        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(30)));
        var ring = collector.ReadRing();
        Assert.Equal(odd.Pid, Assert.Single(ring.Of<ProcessStart>()).Pid);
        Assert.NotEmpty(ring.SamplesOf(odd.Pid));
    }
}
