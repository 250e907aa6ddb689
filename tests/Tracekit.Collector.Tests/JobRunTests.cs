using System.Globalization;
using Tracekit.Native;

namespace Tracekit.Collector.Tests;

/// <summary>`tracekit run`: the invocation records, exit status and signal forwarding of a batch job.</summary>
public sealed class JobRunTests : IDisposable
{
    private readonly TempDir _dir = new("tk-run");
    private readonly ITestOutputHelper _output;

    public JobRunTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    internal static RingContents ReadJobStream(string outDirectory, string runId, string nodeId)
    {
        var streams = Directory.GetDirectories(Path.Combine(outDirectory, runId, nodeId, "streams"), "run-*");
        Assert.True(streams.Length == 1, $"expected one job stream, found {streams.Length}");
        return RingContents.Read(streams[0]);
    }

    [Fact]
    public void Run_JobExitsThree_ReturnsThreeAndRecordsIt()
    {
        var (code, _, stderr) = TracekitBinary.Run("run", "--run-id", "exit3", "--out", _dir.Path, "--node-id", "n1", "--", NativeHelpers.Forker, "0", "0", "3");

        Assert.True(code == 3, $"exit {code}; stderr: {stderr}");
        var ring = ReadJobStream(_dir.Path, "exit3", "n1");
        Assert.Equal(3, Assert.Single(ring.Of<InvocationEnd>()).Status);
        Assert.True(ring.LastHeader.Closed);
    }

    [Fact]
    public void Run_JobEndsBetweenTicks_NoReadingAfterItsEnd()
    {
        // The job ends while the sampling loop sleeps: a reading taken on waking would lie after the end and
        // lengthen the job's OpenDC task. Three jobs, so one lucky timing cannot pass the test.
        for (int i = 0; i < 3; i++)
        {
            string runId = $"tail{i}";
            var (code, _, stderr) = TracekitBinary.Run("run", "--run-id", runId, "--out", _dir.Path, "--node-id", "n1", "--", "sleep", "0.25");
            Assert.True(code == 0, $"exit {code}; stderr: {stderr}");
            var ring = ReadJobStream(_dir.Path, runId, "n1");
            ulong endNs = Assert.Single(ring.Of<InvocationEnd>()).TimestampNs;
            var late = ring.Of<CgroupSample>().Select(c => c.TimestampNs).Concat(ring.Of<ProcessSample>().Select(p => p.TimestampNs)).Where(t => t > endNs).ToList();
            Assert.True(late.Count == 0, $"{late.Count} readings after the end, the last {(late.Count == 0 ? 0 : (late.Max() - endNs) / 1e6):0.#} ms after it");
        }
    }

    [SkippableFact]
    public void Run_StageFailsAfterTheJobStarted_JobEndedAndCgroupRemoved()
    {
        // Registering with the run's live collector is a stage after the job has started. An immutable pids folder
        // (chattr +i: not even root may create a file in it) makes that stage fail; the run must then end the job
        // and remove its cgroup, not leave them behind.
        using var collector = CollectorRun.Start(_dir.Path, "stagefail", "--interval", "100ms");
        collector.WaitUntilRunning();
        string pids = Path.Combine(_dir.Path, "stagefail", CollectorRun.NodeId, "control", "pids");
        Skip.IfNot(Chattr(pids, "+i"), "chattr +i is not supported on this file system");
        try
        {
            var (code, _, stderr) = TracekitBinary.Run(["run", .. collector.CommonArgs, "--", "sleep", "30"]);

            _output.WriteLine(stderr);
            Assert.Equal(3, code); // OutputError: the registration could not be written
            var start = Assert.Single(ReadJobStream(_dir.Path, "stagefail", CollectorRun.NodeId).Of<InvocationStart>());
            int job = start.Pid!.Value;
            Assert.False(Proc.TryReadStat(job, out var stat) && stat.State != 'Z', $"the job (pid {job}) still runs");
            Assert.NotNull(start.Cgroup);
            var left = new[] { "cpuacct", "memory" }
                .Select(controller => "/sys/fs/cgroup/" + controller + start.Cgroup)
                .Where(Directory.Exists).ToList();
            Assert.True(left.Count == 0, $"the job's cgroup is left behind: {string.Join(", ", left)}");
        }
        finally
        {
            Chattr(pids, "-i");
        }
    }

    private static bool Chattr(string path, string flag)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("chattr") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(flag);
        psi.ArgumentList.Add(path);
        try
        {
            using var p = System.Diagnostics.Process.Start(psi)!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }

    [Fact]
    public void Run_Sigterm_ForwardedToJobAndReturns143()
    {
        using var run = TracekitBinary.Start("run", "--run-id", "sigterm", "--out", _dir.Path, "--node-id", "n1", "--", "sleep", "30");
        int job = 0;
        Proc.WaitForOrFail(() => (job = Proc.ChildrenOf(run.Pid).FirstOrDefault(c => Proc.TryReadStat(c, out var s) && s.Comm == "sleep")) != 0,
            TimeSpan.FromSeconds(30), "the job to exec sleep");

        run.Signal(Libc.SigTerm);

        Assert.Equal(143, run.WaitForExit(TimeSpan.FromSeconds(10)));
        Assert.False(Proc.TryReadStat(job, out var s) && s.State != 'Z', $"the job (pid {job}) still runs");
        var ring = ReadJobStream(_dir.Path, "sigterm", "n1");
        Assert.Equal(143, Assert.Single(ring.Of<InvocationEnd>()).Status);
        Assert.Equal(job, Assert.Single(ring.Of<InvocationStart>()).Pid);
    }

    [Fact]
    public void Run_CollectorRunningForSameRun_CollectorSamplesTheJob()
    {
        using var collector = CollectorRun.Start(_dir.Path, "shared", "--interval", "10ms");
        collector.WaitUntilRunning();

        var (code, _, stderr) = TracekitBinary.Run(["run", .. collector.CommonArgs, "--", "sleep", "0.5"]);

        Assert.True(code == 0, $"exit {code}; stderr: {stderr}");
        int jobPid = Assert.Single(ReadJobStream(_dir.Path, "shared", CollectorRun.NodeId).Of<InvocationStart>()).Pid!.Value;
        collector.WaitForRing(r => r.SamplesOf(jobPid).Count >= 10, "ten samples of the job in the collector's ring");
        collector.Process.Signal(Libc.SigTerm);
        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(10)));
        var ring = collector.ReadRing();
        var start = Assert.Single(ring.Of<ProcessStart>(), p => p.Pid == jobPid);
        Assert.True(ring.SamplesOf(jobPid).Count >= 10, $"the collector sampled the job {ring.SamplesOf(jobPid).Count} times in 0.5 s at 10 ms");
        // The collector adopts the job once it has exec'd (its start names the job, not the trampoline), and leaves
        // the job's exit to `tracekit run`, whose exit record has the status: one start and one exit per process.
        Assert.Equal("sleep", start.Command);
        Assert.DoesNotContain("kill -STOP", start.CommandLine ?? "");
        Assert.DoesNotContain(ring.Of<ProcessExit>(), e => e.Pid == jobPid);
    }

    [Fact]
    public void Collect_MatchOnARunIdOfTracekitCommands_NeverSelectsTracekit()
    {
        // `tracekit run --run-id tkself…` has the pattern in its argv; its job (`sleep`) does not.
        using var collector = CollectorRun.Start(_dir.Path, "selfmatch", "--interval", "10ms", "--match", "tkself-match");
        collector.WaitUntilRunning();

        var (code, _, stderr) = TracekitBinary.Run("run", "--run-id", "tkself-match", "--out", _dir.Path, "--node-id", "other", "--", "sleep", "0.5");

        Assert.True(code == 0, $"exit {code}; stderr: {stderr}");
        collector.Process.Signal(Libc.SigTerm);
        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(10)));
        var starts = collector.ReadRing().Of<ProcessStart>().ToList();
        Assert.True(starts.Count == 0, "selected: " + string.Join(", ", starts.Select(p => $"{p.Pid} {p.Command} '{p.CommandLine}'")));
    }
}

/// <summary>Tree CPU of a forking job against /usr/bin/time, measured inside the same run. Burns CPU: runs alone.</summary>
[Collection(CpuAccuracyCollection.Name)]
public sealed class JobTreeCpuTests : IDisposable
{
    private readonly TempDir _dir = new("tk-runcpu");
    private readonly ITestOutputHelper _output;

    public JobTreeCpuTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [SkippableFact]
    public void Run_ForkingJob_TreeCpuWithin2PercentOfTimeAndInvocationComplete()
    {
        Skip.IfNot(File.Exists("/usr/bin/time"), "/usr/bin/time is not installed (Debian package time; tools/test.sh installs it)");
        const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        string timeFile = _dir.File("time.txt");
        long iterations = NativeHelpers.ForkerIterationsFor(TimeSpan.FromMilliseconds(500));
        // /usr/bin/time runs inside the job, so it measures exactly the tree the adapter accounts (plus itself).
        var (code, _, stderr) = TracekitBinary.Run(TimeSpan.FromSeconds(120), "run", "--run-id", "fork", "--out", _dir.Path, "--node-id", "n1",
            "--trace-id", TraceId, "--", "/usr/bin/time", "-f", "%U %S", "-o", timeFile,
            NativeHelpers.Forker, "4", iterations.ToString(CultureInfo.InvariantCulture), "0");

        Assert.True(code == 0, $"exit {code}; stderr: {stderr}");
        var time = File.ReadLines(timeFile).Last().Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        double timeCpuS = time[0] + time[1];
        var ring = JobRunTests.ReadJobStream(_dir.Path, "fork", "n1");
        var start = Assert.Single(ring.Of<InvocationStart>());
        var end = Assert.Single(ring.Of<InvocationEnd>());
        double treeCpuS = end.CpuTimeNs!.Value / 1e9;
        // time prints user and sys rounded to 10 ms each (up to 20 ms together); the tree also holds time itself and
        // the launcher's few ms before exec. Hence 2% plus 20 ms.
        double allowedS = 0.02 * timeCpuS + 0.020;
        _output.WriteLine($"tree CPU {treeCpuS:0.000} s, /usr/bin/time user+sys {timeCpuS:0.000} s, difference {treeCpuS - timeCpuS:+0.000;-0.000} s ({100 * (treeCpuS - timeCpuS) / timeCpuS:+0.00;-0.00}%), allowed ±{allowedS:0.000} s; cgroup {start.Cgroup ?? "none"}");
        Assert.InRange(treeCpuS - timeCpuS, -allowedS, allowedS);
        Assert.InRange(timeCpuS, 1.0, 6.0);

        Assert.Equal(TraceId, start.TraceId);
        Assert.Equal(TraceId, end.TraceId);
        Assert.Equal(start.SpanId, end.SpanId);
        Assert.Equal("/usr/bin/time", start.Path);
        Assert.Equal(0, end.Status);
        int jobPid = start.Pid!.Value;
        Assert.True(Proc.IsRoot ? start.Cgroup is not null : true, "running as root, the job should get a cgroup of its own");

        // Sampled from its first tick: the job's first sample is within one interval (100 ms) of the invocation start.
        var jobSamples = ring.SamplesOf(jobPid);
        Assert.NotEmpty(jobSamples);
        double firstSampleDelayMs = ((long)jobSamples[0].TimestampNs - (long)start.TimestampNs) / 1e6;
        _output.WriteLine($"first sample of job pid {jobPid} {firstSampleDelayMs:0.0} ms after InvocationStart");
        Assert.InRange(firstSampleDelayMs, 0, 100);
        var jobStart = Assert.Single(ring.Of<ProcessStart>(), p => p.Pid == jobPid);
        Assert.Equal((ulong)start.PidStartTicks!.Value, jobStart.StartTicks);
        Assert.Equal("time", jobStart.Command);

        // The forked workers were followed: time -> forker -> 4 workers.
        var forker = Assert.Single(ring.Of<ProcessStart>(), p => p.Ppid == jobPid);
        Assert.Equal(4, ring.Of<ProcessStart>().Count(p => p.Ppid == forker.Pid));
        var jobExits = ring.Of<ProcessExit>().Where(e => e.Pid == jobPid).ToList();
        _output.WriteLine($"ProcessExit records of the job: {string.Join("; ", jobExits)}");
        // One exit record for the job, from `tracekit run`, with its status: the sampler does not add a second.
        Assert.Equal(0, Assert.Single(jobExits).ExitStatus);
    }
}
