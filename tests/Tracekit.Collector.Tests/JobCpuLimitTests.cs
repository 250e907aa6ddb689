using System.Diagnostics;
using System.Globalization;

namespace Tracekit.Collector.Tests;

/// <summary>`tracekit run --cpu-limit`: the job's cgroup gets a CFS quota, and the kernel holds the job to it.</summary>
public sealed class JobCpuLimitTests : IDisposable
{
    private const string V1Cpu = "/sys/fs/cgroup/cpu";
    private const string V1Cpuacct = "/sys/fs/cgroup/cpuacct";
    private readonly TempDir _dir = new("tk-cpulimit");
    private readonly string _runId = "cpulimit-" + Guid.NewGuid().ToString("N")[..10];
    private readonly ITestOutputHelper _output;

    public JobCpuLimitTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [SkippableFact]
    public void Run_CpuLimitHalfACore_BusyLoopUsesAtMostHalfACoreByCpuacct()
    {
        Skip.IfNot(Proc.IsRoot, "creating a cgroup needs root");
        Skip.IfNot(File.Exists(Path.Combine(V1Cpu, "cpu.cfs_quota_us")) && File.Exists(Path.Combine(V1Cpuacct, "cpuacct.usage")),
            "no cgroup v1 cpu and cpuacct hierarchies");
        using var run = TracekitBinary.Start("run", "--run-id", _runId, "--out", _dir.Path, "--node-id", "n1", "--cpu-limit", "0.5",
            "--", NativeHelpers.Spin, "1", "4");
        string name = "";
        Proc.WaitForOrFail(() => (name = JobCgroupName()).Length > 0 && File.ReadAllText(Path.Combine(V1Cpuacct, "tracekit", name, "cgroup.procs")).Trim().Length > 0,
            TimeSpan.FromSeconds(30), "the job in its cgroup");
        string cpuDir = Path.Combine(V1Cpu, "tracekit", name);
        Assert.Equal("50000", File.ReadAllText(Path.Combine(cpuDir, "cpu.cfs_quota_us")).Trim());
        Assert.Equal("100000", File.ReadAllText(Path.Combine(cpuDir, "cpu.cfs_period_us")).Trim());

        // The kernel's own count of the group's CPU over two seconds of the busy loop.
        string usageFile = Path.Combine(V1Cpuacct, "tracekit", name, "cpuacct.usage");
        long usage0 = ReadLong(usageFile);
        var window = Stopwatch.StartNew();
        Proc.WaitForOrFail(() => window.Elapsed >= TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), "a two-second window");
        long usedNs = ReadLong(usageFile) - usage0;
        double cores = usedNs / (double)window.Elapsed.Ticks / 100;
        _output.WriteLine($"busy loop under --cpu-limit 0.5: {cores:0.000} cores by cpuacct over {window.Elapsed.TotalSeconds:0.00} s");

        Assert.True(cores <= 0.55, $"the job used {cores:0.000} cores, above its 0.5-core limit");
        // Only that the loop ran: on a machine loaded by other tests it may get far less than its limit.
        Assert.True(cores >= 0.05, $"the job used only {cores:0.000} cores: the busy loop did not run");
        Assert.Equal(0, run.WaitForExit(TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("half")]
    [InlineData("5000")]
    public void Run_CpuLimitInvalid_ExitsTwoNamingTheFlag(string value)
    {
        var (code, _, stderr) = TracekitBinary.Run("run", "--run-id", _runId, "--out", _dir.Path, "--cpu-limit", value, "--", "true");

        Assert.True(code == 2, $"exit {code}; stderr: {stderr}");
        Assert.Contains("--cpu-limit", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, _runId)), "an invalid --cpu-limit still ran the job");
    }

    private string JobCgroupName()
    {
        string parent = Path.Combine(V1Cpu, "tracekit");
        if (!Directory.Exists(parent)) return "";
        return Directory.GetDirectories(parent, _runId + ".n1.job-*").Select(Path.GetFileName).FirstOrDefault() ?? "";
    }

    private static long ReadLong(string path) => long.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);
}
