namespace Tracekit.Collector.Tests;

/// <summary>
/// `collect --container` against real engines: Docker (Debian's docker.io, dockerd started by tools/test.sh) and
/// rootful Podman with runc. The oracle is the container's own cgroup counters, read by the test.
/// </summary>
[Collection(CpuAccuracyCollection.Name)]
public sealed class ContainerEngineTests : IDisposable
{
    private const long ShmFillBytes = 48L << 20;
    private readonly TempDir _dir = new("tk-engine");
    private readonly ITestOutputHelper _output;
    private readonly ContainerCleanup _containers = new();

    public ContainerEngineTests(ITestOutputHelper output) => _output = output;

    public void Dispose()
    {
        _containers.Dispose();
        _dir.Dispose();
    }

    [SkippableTheory]
    [MemberData(nameof(ContainerEngine.Names), MemberType = typeof(ContainerEngine))]
    public void Collect_RunningContainer_CpuAndMemoryAgreeWithItsCgroupCounters(string engineName)
    {
        var engine = ContainerEngine.Require(engineName);
        string name = ContainerEngine.UniqueName("cpu");
        // Half a core of `yes`, and 48 MiB of shared memory that stays put: steady figures to compare.
        string id = Start(engine, name, "--cpus", "0.5", "--shm-size", "96m", ContainerEngine.BusyboxImage,
            "sh", "-c", $"head -c {ShmFillBytes} /dev/zero > /dev/shm/fill && exec yes > /dev/null");
        string cpuDir = engine.CgroupDirectory("cpuacct", id);
        string memoryDir = engine.CgroupDirectory("memory", id);
        Proc.WaitForOrFail(() => ReadLong(Path.Combine(memoryDir, "memory.usage_in_bytes")) >= ShmFillBytes, TimeSpan.FromSeconds(30), "the container's shared memory to fill");

        using var truth = new CgroupCounterRecorder(cpuDir, memoryDir);
        using var collector = CollectorRun.Start(_dir.Path, "engine-" + engineName, "--container", name, "--interval", "100ms", "--duration", "3s");
        int code = collector.WaitForExit(TimeSpan.FromSeconds(60));
        Assert.True(code == 0, $"collector exited {code}: {collector.Process.Stderr}");
        var cpuTruth = truth.CpuNs();
        var memoryTruth = truth.MemoryBytes();

        var ring = collector.ReadRing();
        string expectedPath = Path.Combine(engine.CgroupParent, engine.Name == "podman" ? "libpod-" + id : id);
        var samples = ring.Of<CgroupSample>().Where(s => s.Path == expectedPath).ToList();
        _output.WriteLine($"{samples.Count} samples of {expectedPath}; paths seen: {string.Join(", ", ring.Of<CgroupSample>().Select(s => s.Path).Distinct())}");
        Assert.True(samples.Count >= 20, $"only {samples.Count} CgroupSample records of {expectedPath} in 3 s at 100 ms");
        var first = samples[0];
        var last = samples[^1];
        Assert.True(cpuTruth.Covers((long)first.TimestampNs) && cpuTruth.Covers((long)last.TimestampNs), "the test's readings do not cover the collector's span");
        double spanNs = last.TimestampNs - first.TimestampNs;
        double collectedPct = 100.0 * (last.CpuUsageNs - first.CpuUsageNs) / spanNs;
        double truthPct = 100.0 * (cpuTruth.At((long)last.TimestampNs) - cpuTruth.At((long)first.TimestampNs)) / spanNs;
        double memoryTruthBytes = memoryTruth.At((long)last.TimestampNs);
        _output.WriteLine($"{engineName}: CPU {collectedPct:F2}% collected vs {truthPct:F2}% in cpuacct.usage; memory {last.MemoryBytes} B collected vs {memoryTruthBytes:F0} B in memory.usage_in_bytes");
        // Busy (a loaded host may give it less than its cap) and capped at half a core: this container, no other.
        Assert.InRange(truthPct, 5, 52);
        Assert.True(Math.Abs(collectedPct - truthPct) <= 2, $"CPU {collectedPct:F2}% collected vs {truthPct:F2}% in the cgroup: more than 2 pp apart");
        Assert.True(Math.Abs(last.MemoryBytes - memoryTruthBytes) <= 0.01 * memoryTruthBytes, $"memory {last.MemoryBytes} B collected vs {memoryTruthBytes:F0} B in the cgroup: more than 1% apart");
        Assert.True(last.MemoryBytes >= ShmFillBytes, $"memory {last.MemoryBytes} B is less than the {ShmFillBytes} B the container holds");

        var start = Assert.Single(ring.Of<Placement>());
        Assert.Equal(("start", name, id), (start.Event, start.AppId, start.InstanceId));
        Assert.Contains(ContainerEngine.BusyboxImage, start.ModuleId);
    }

    [SkippableTheory]
    [MemberData(nameof(ContainerEngine.Names), MemberType = typeof(ContainerEngine))]
    public void Collect_ContainerStartedAfterTheCollectorRestartedAndRecreated_FollowsEveryStart(string engineName)
    {
        var engine = ContainerEngine.Require(engineName);
        string name = ContainerEngine.UniqueName("late");
        engine.RunOrFail("create", "--name", name, "--cpus", "0.3", ContainerEngine.BusyboxImage, "sh", "-c", "exec yes > /dev/null");
        _containers.Add(engine, name);
        string id = engine.IdOf(name);
        string path = Path.Combine(engine.CgroupParent, engine.Name == "podman" ? "libpod-" + id : id);

        using var collector = CollectorRun.Start(_dir.Path, "late-" + engineName, "--container", name, "--interval", "100ms");
        collector.WaitUntilRunning();
        Assert.Contains("does not run yet", collector.Process.Stderr);

        engine.RunOrFail("start", name);
        WaitForSamples(collector, path, 5, after: 0);
        long firstStartNs = (long)SamplesOf(collector, path)[0].TimestampNs;
        engine.RunOrFail("stop", "-t", "0", name);
        engine.RunOrFail("start", name);
        WaitForPlacements(collector, 3);
        long restartNs = (long)LivePlacements(collector)[2].TimestampNs;
        WaitForSamples(collector, path, 5, after: restartNs);
        // Removed and created again under the same name: a new id, which the name leads to.
        engine.RunOrFail("rm", "-f", name);
        engine.RunOrFail("run", "-d", "--name", name, "--cpus", "0.3", ContainerEngine.BusyboxImage, "sh", "-c", "exec yes > /dev/null");
        string newId = engine.IdOf(name);
        WaitForPlacements(collector, 5);

        Assert.Equal(0, TracekitBinary.Run(["stop", .. collector.CommonArgs]).ExitCode);
        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(30)));
        var ring = collector.ReadRing();
        var placements = ring.Of<Placement>().ToList();
        _output.WriteLine(string.Join("\n", placements.Select(p => $"{p.TimestampNs} {p.Event} {p.AppId} {p.InstanceId} {p.ModuleId}")));
        Assert.Equal(["start", "stop", "start", "stop", "start"], placements.Select(p => p.Event));
        Assert.All(placements, p => Assert.Equal(name, p.AppId));
        Assert.Equal([id, id, id, id, newId], placements.Select(p => p.InstanceId));
        Assert.NotEqual(id, newId);
        Assert.True((long)placements[0].TimestampNs <= firstStartNs);
        // The second life's counters start from zero again (a new cgroup) and grow: it is sampled, not the first one's leftovers.
        var second = ring.Of<CgroupSample>().Where(s => s.Path == path && (long)s.TimestampNs >= restartNs).ToList();
        var firstLife = ring.Of<CgroupSample>().Where(s => s.Path == path && (long)s.TimestampNs < (long)placements[1].TimestampNs).ToList();
        Assert.True(second.Count >= 5 && firstLife.Count >= 5, $"{firstLife.Count} samples before the stop, {second.Count} after the restart");
        Assert.True(second[0].CpuUsageNs < firstLife[^1].CpuUsageNs, "the restarted container's CPU did not start again from its new cgroup");
        Assert.True(second[^1].CpuUsageNs > second[0].CpuUsageNs, "the restarted container's CPU did not grow");
    }

    private string Start(ContainerEngine engine, string name, params string[] runArguments)
    {
        _containers.Add(engine, name);
        return engine.RunOrFail(["run", "-d", "--name", name, .. runArguments]);
    }

    private static long ReadLong(string path)
    {
        try { return long.Parse(File.ReadAllText(path).Trim(), System.Globalization.CultureInfo.InvariantCulture); }
        catch (IOException) { return -1; }
    }

    private static List<CgroupSample> SamplesOf(CollectorRun collector, string path) =>
        LiveRecords(collector).OfType<CgroupSample>().Where(s => s.Path == path).ToList();

    private static List<Placement> LivePlacements(CollectorRun collector) => LiveRecords(collector).OfType<Placement>().ToList();

    private static List<object> LiveRecords(CollectorRun collector)
    {
        var records = new List<object>();
        using var reader = Tracekit.Ring.RingReader.Open(collector.NodeDirectory);
        while (reader.TryRead(out var payload) == Tracekit.Ring.RingReadStatus.Record)
            if (RecordDecoder.TryDecodeAny(payload, out var record, out _)) records.Add(record);
        return records;
    }

    private static void WaitForSamples(CollectorRun collector, string path, int count, long after) =>
        Proc.WaitForOrFail(() => SamplesOf(collector, path).Count(s => (long)s.TimestampNs > after) >= count, TimeSpan.FromSeconds(30),
            $"{count} samples of {path} after {after}");

    private static void WaitForPlacements(CollectorRun collector, int count) =>
        Proc.WaitForOrFail(() => LivePlacements(collector).Count >= count, TimeSpan.FromSeconds(30), $"{count} placement records");
}
