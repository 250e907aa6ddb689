namespace Tracekit.Collector.Tests;

/// <summary>
/// `tracekit run --container NAME -- docker run --name NAME …`: the invocation is the container's (its CPU, peak
/// memory, lifetime, id and image), not the engine client's. The container reports its own cgroup's CPU from the
/// inside (cgroup v1 shows a container its own cgroup at /sys/fs/cgroup), the oracle.
/// </summary>
[Collection(CpuAccuracyCollection.Name)]
public sealed class ContainerJobTests : IDisposable
{
    private const long ShmFillBytes = 32L << 20;
    private readonly TempDir _dir = new("tk-cjob");
    private readonly ITestOutputHelper _output;
    private readonly ContainerCleanup _containers = new();

    public ContainerJobTests(ITestOutputHelper output) => _output = output;

    public void Dispose()
    {
        _containers.Dispose();
        _dir.Dispose();
    }

    /// <summary>The job's container.json, beside its ring.</summary>
    private System.Text.Json.JsonElement ReadSidecar(string runId)
    {
        string path = Directory.GetFiles(Path.Combine(_dir.Path, runId, "n1", "streams"), "container.json", SearchOption.AllDirectories).Single();
        return System.Text.Json.JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
    }

    /// <summary>Half a core for 2 s, 32 MiB of shared memory, then idle: the CPU it prints at the end is its total.</summary>
    private static string[] Workload(string cpuFile) =>
        ["sh", "-c", $"head -c {ShmFillBytes} /dev/zero > /dev/shm/fill; yes > /dev/null & sleep 2; kill $!; hostname; cat {cpuFile}; sleep 0.5"];

    [SkippableTheory]
    [MemberData(nameof(ContainerEngine.Names), MemberType = typeof(ContainerEngine))]
    public void Run_ContainerStartedByTheCommand_InvocationIsTheContainers(string engineName)
    {
        var engine = ContainerEngine.Require(engineName);
        string name = ContainerEngine.UniqueName("job");
        _containers.Add(engine, name);
        string[] client = [engine.Client, .. engine.Name == "podman" ? new[] { "--runtime", "runc" } : [],
            "run", "--rm", "--name", name, "--cpus", "0.5", "--shm-size", "64m", ContainerEngine.BusyboxImage, .. Workload("/sys/fs/cgroup/cpuacct/cpuacct.usage")];

        using var run = TracekitBinary.Start(["run", "--run-id", "cjob", "--out", _dir.Path, "--node-id", "n1", "--interval", "50ms", "--container", name, "--", .. client], engine.Environment);
        int code = run.WaitForExit(TimeSpan.FromSeconds(120));

        _output.WriteLine(run.Stdout + run.Stderr);
        Assert.True(code == 0, $"exit {code}: {run.Stderr}");
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string hostname = lines[^2];
        long containerCpuNs = long.Parse(lines[^1], System.Globalization.CultureInfo.InvariantCulture);
        var ring = JobRunTests.ReadJobStream(_dir.Path, "cjob", "n1");
        var start = Assert.Single(ring.Of<InvocationStart>());
        var end = Assert.Single(ring.Of<InvocationEnd>());
        double lifetimeS = (end.TimestampNs - start.TimestampNs) / 1e9;
        _output.WriteLine($"{engineName}: invocation CPU {end.CpuTimeNs} ns vs {containerCpuNs} ns in the container's cpuacct.usage; peak {end.PeakRssKb} KiB; {lifetimeS:F2} s; id {start.InstanceId}; image {start.ModuleId}; cgroup {start.Cgroup}");
        Assert.StartsWith(hostname, start.InstanceId); // engines name the container's host after its id
        Assert.Contains(ContainerEngine.BusyboxImage, start.ModuleId);
        Assert.Contains(start.InstanceId!, start.Cgroup);
        Assert.NotNull(start.Pid);
        Assert.Equal(0, end.Status);
        // The container is idle for its last 0.5 s: its total is read on the ticks of that time, give or take what
        // `cat` and `sleep` used (a few ms).
        Assert.True(Math.Abs(end.CpuTimeNs!.Value - containerCpuNs) <= 0.01 * containerCpuNs + 5_000_000,
            $"invocation CPU {end.CpuTimeNs} ns vs {containerCpuNs} ns in the container's own cgroup");
        // At most its 0.5-core cap over its lifetime (the `sleep 2` that bounds the busy loop can oversleep on a
        // loaded host, so the lifetime, not 2 s, is the bound; 10% for the quota's 100 ms periods), and far more than
        // the client's few ms.
        Assert.InRange(containerCpuNs, 200_000_000L, (long)(0.5 * lifetimeS * 1e9 * 1.1));
        Assert.True(end.PeakRssKb >= ShmFillBytes / 1024, $"peak {end.PeakRssKb} KiB < the {ShmFillBytes / 1024} KiB the container held");
        Assert.InRange(lifetimeS, 2.0, 8.0);
        // Found on the first tick after its cgroup appeared: by then it can have used at most two ticks at its cap.
        var first = ring.Of<CgroupSample>().First(c => c.Path == start.Cgroup);
        Assert.True(first.CpuUsageNs <= 50_000_000, $"the container had used {first.CpuUsageNs} ns of CPU when first sampled");
        var sidecar = ReadSidecar("cjob");
        Assert.Equal(start.InstanceId, sidecar.GetProperty("id").GetString());
        Assert.True(sidecar.GetProperty("seen_running").GetBoolean());
    }

    [SkippableFact]
    public void Run_DetachedContainer_JobLastsUntilTheContainerEnds()
    {
        var engine = ContainerEngine.Require("docker");
        string name = ContainerEngine.UniqueName("detached");
        _containers.Add(engine, name);

        var (code, _, stderr) = TracekitBinary.Run(["run", "--run-id", "detached", "--out", _dir.Path, "--node-id", "n1", "--interval", "50ms", "--container", name, "--",
            engine.Client, "run", "-d", "--name", name, "--cpus", "0.5", ContainerEngine.BusyboxImage, "sh", "-c", "yes > /dev/null & sleep 1.5; kill $!"]);

        Assert.True(code == 0, $"exit {code}: {stderr}");
        var ring = JobRunTests.ReadJobStream(_dir.Path, "detached", "n1");
        var start = Assert.Single(ring.Of<InvocationStart>());
        var end = Assert.Single(ring.Of<InvocationEnd>());
        double lifetimeS = (end.TimestampNs - start.TimestampNs) / 1e9;
        _output.WriteLine($"lifetime {lifetimeS:F2} s, CPU {end.CpuTimeNs} ns");
        // `docker run -d` returns at once; the job is the container, which lives 1.5 s at half a core.
        Assert.InRange(lifetimeS, 1.3, 6.0);
        // At most its 0.5-core cap over its lifetime, as above: `sleep 1.5` oversleeps on a loaded host, and the busy
        // loop runs until the kill that follows it (10% for the quota's 100 ms periods). The lower bound only says the
        // container's own CPU was read (the client's is not in its cgroup): a loaded host may give it little.
        Assert.InRange(end.CpuTimeNs!.Value, 50_000_000L, (long)(0.5 * lifetimeS * 1e9 * 1.1));
    }

    [SkippableFact]
    public void Run_CommandNeverStartsTheContainer_RecordsTheReasonAndNoCpu()
    {
        Skip.IfNot(Proc.IsRoot, "the job's cgroup needs root");
        string name = ContainerEngine.UniqueName("never");

        // The command burns CPU itself: none of it may be taken for the container's.
        var (code, _, stderr) = TracekitBinary.Run(["run", "--run-id", "never", "--out", _dir.Path, "--node-id", "n1", "--interval", "50ms", "--container", name, "--",
            "sh", "-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; exit 3"]);

        _output.WriteLine(stderr);
        Assert.Equal(3, code);
        Assert.Contains($"no container named '{name}' appeared", stderr);
        var ring = JobRunTests.ReadJobStream(_dir.Path, "never", "n1");
        Assert.Single(ring.Of<InvocationStart>());
        var end = Assert.Single(ring.Of<InvocationEnd>());
        Assert.Equal(3, end.Status);
        Assert.Null(end.CpuTimeNs);
        Assert.Null(end.PeakRssKb);
        var sidecar = ReadSidecar("never");
        Assert.False(sidecar.GetProperty("seen_running").GetBoolean());
        Assert.Contains($"no container named '{name}' appeared", sidecar.GetProperty("reason").GetString());
    }

}
