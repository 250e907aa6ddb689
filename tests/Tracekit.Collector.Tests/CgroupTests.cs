using System.Globalization;

namespace Tracekit.Collector.Tests;

/// <summary>--cgroup on v1 (cpuacct) and v2 (unified) cgroups, and --container, each with a burner inside.</summary>
public sealed class CgroupTests : IDisposable
{
    private const string V1Cpuacct = "/sys/fs/cgroup/cpuacct";
    private readonly TempDir _dir = new("tk-cgroup");
    private readonly ITestOutputHelper _output;
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..12];

    public CgroupTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [SkippableFact]
    public void Collect_CgroupV1Cpuacct_SamplesGrowingCpuUsage()
    {
        Skip.IfNot(Proc.IsRoot, "creating a cgroup needs root");
        Skip.IfNot(File.Exists(Path.Combine(V1Cpuacct, "cpuacct.usage")), $"no cgroup v1 cpuacct hierarchy at {V1Cpuacct}");
        using var cgroup = new TestCgroup(Path.Combine(V1Cpuacct, "tracekit-test-" + _suffix));

        var samples = CollectWithBurnerInside(cgroup, "--cgroup", cgroup.Directory, out int burner, out var ring);

        Assert.All(samples, s => Assert.Equal(1, s.Version));
        Assert.All(samples, s => Assert.Equal("/tracekit-test-" + _suffix, s.Path));
        AssertGrowing(samples);
        Assert.Contains(ring.Of<ProcessStart>(), p => p.Pid == burner);
    }

    [SkippableFact]
    public void Collect_CgroupV2Unified_SamplesGrowingCpuUsage()
    {
        Skip.IfNot(Proc.IsRoot, "creating a cgroup needs root");
        string root = FindV2Root();
        Skip.If(root.Length == 0, "no cgroup v2 hierarchy is mounted");
        using var cgroup = new TestCgroup(Path.Combine(root, "tracekit-test-v2-" + _suffix));

        var samples = CollectWithBurnerInside(cgroup, "--cgroup", cgroup.Directory, out int burner, out var ring);

        Assert.All(samples, s => Assert.Equal(2, s.Version));
        Assert.All(samples, s => Assert.Equal("/tracekit-test-v2-" + _suffix, s.Path));
        AssertGrowing(samples);
        Assert.Contains(ring.Of<ProcessStart>(), p => p.Pid == burner);
    }

    [SkippableFact]
    public void Collect_ContainerName_ResolvesCgroupNamedAfterIt()
    {
        Skip.IfNot(Proc.IsRoot, "creating a cgroup needs root");
        Skip.IfNot(File.Exists(Path.Combine(V1Cpuacct, "cpuacct.usage")), $"no cgroup v1 cpuacct hierarchy at {V1Cpuacct}");
        string id = "c0ffee" + _suffix;
        using var cgroup = new TestCgroup(Path.Combine(V1Cpuacct, $"docker-{id}.scope"));

        var samples = CollectWithBurnerInside(cgroup, "--container", id[..10], out int burner, out var ring);

        Assert.All(samples, s => Assert.Equal($"/docker-{id}.scope", s.Path));
        AssertGrowing(samples);
        Assert.Contains(ring.Of<ProcessStart>(), p => p.Pid == burner);
    }

    private List<CgroupSample> CollectWithBurnerInside(TestCgroup cgroup, string flag, string value, out int burnerPid, out RingContents ring)
    {
        // 20% of one core in 10 ms slices, until killed.
        using var burner = Spawned.Start(NativeHelpers.Duty, ["20", "10000", "0", "-"]);
        burnerPid = burner.Pid;
        cgroup.Add(burner.Pid);
        Thread.Sleep(200);
        using var collector = CollectorRun.Start(_dir.Path, "cg", flag, value, "--interval", "100ms", "--duration", "2s");
        int code = collector.WaitForExit(TimeSpan.FromSeconds(30));
        Assert.True(code == 0, $"collector exited {code}: {collector.Process.Stderr}");
        ring = collector.ReadRing();
        var samples = ring.Of<CgroupSample>().ToList();
        _output.WriteLine($"{samples.Count} CgroupSample records; first {Describe(samples.FirstOrDefault())}; last {Describe(samples.LastOrDefault())}");
        return samples;
    }

    private static string Describe(CgroupSample s) => $"path {s.Path} v{s.Version} cpu {s.CpuUsageNs} ns mem {s.MemoryBytes} B at {s.TimestampNs}";

    private static void AssertGrowing(List<CgroupSample> samples)
    {
        Assert.True(samples.Count >= 10, $"only {samples.Count} CgroupSample records in 2 s at 100 ms");
        for (int i = 1; i < samples.Count; i++) Assert.True(samples[i].CpuUsageNs >= samples[i - 1].CpuUsageNs, $"cpuUsageNs went down at sample {i}");
        // The burner uses ~20% of a core: over the run the group's usage must grow by a good part of that.
        double pct = 100.0 * (samples[^1].CpuUsageNs - samples[0].CpuUsageNs) / (samples[^1].TimestampNs - samples[0].TimestampNs);
        Assert.InRange(pct, 5, 40);
    }

    private static string FindV2Root()
    {
        foreach (var line in File.ReadLines("/proc/self/mounts"))
        {
            var f = line.Split(' ');
            if (f.Length > 2 && f[2] == "cgroup2" && File.Exists(Path.Combine(f[1], "cgroup.procs"))) return f[1];
        }
        return "";
    }
}
