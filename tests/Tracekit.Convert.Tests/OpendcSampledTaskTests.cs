using Tracekit.Convert.Tests.Support;
using Tracekit.Format;

namespace Tracekit.Convert.Tests;

/// <summary>
/// `opendc --tasks invocations --sampled-tasks as-sampled|scale`: a task of a request recorded at sampleRatio r is
/// written once (as sampled) or round(1 / r) times (scaled), and the report says which. Read back with DuckDB.
/// </summary>
public sealed class OpendcSampledTaskTests : IDisposable
{
    private const ulong Base = 9_000_000_000_000;
    private const long EpochMs = 1_765_000_000_000;
    private readonly TestRun _run = new();

    public void Dispose() => _run.Dispose();

    private static ulong At(long ms) => Base + ((ulong)ms * 1_000_000);

    /// <summary>A sampled request (ratio 0.25) and an unsampled job, each on its own cgroup at 0.5 core for 400 ms.</summary>
    private void WriteSampledAndUnsampled()
    {
        using var ring = _run.Ring("n1");
        ring.Add(Clock.Anchor(At(0), EpochMs)).Add(new NodeInfo
        {
            TimestampNs = At(0), Hostname = "n1", CpuModel = "Test CPU", CoreCount = 4, MaxMhz = 2000, MemTotalKb = 8 << 20,
            ClockTicksPerSecond = 100, PageSizeInBytes = 4096, BootTimeRealtimeNs = (EpochMs - 3_600_000) * 1_000_000, Kernel = "6.18",
        });
        ring.Add(new InvocationStart { TimestampNs = At(0), TraceId = "sampled", SpanId = "a", Method = "GET", Path = "/work", Cgroup = "/req", SampleRatio = 0.25 });
        ring.Add(new InvocationStart { TimestampNs = At(0), TraceId = "plain", SpanId = "b", Method = "CLI", Path = "/bin/job", Cgroup = "/job" });
        for (int i = 1; i <= 4; i++)
        {
            ring.Add(new CgroupSample { TimestampNs = At(i * 100), Path = "/req", Version = 2, CpuUsageNs = (ulong)i * 50_000_000 });
            ring.Add(new CgroupSample { TimestampNs = At(i * 100), Path = "/job", Version = 2, CpuUsageNs = (ulong)i * 50_000_000 });
        }
        ring.Add(new InvocationEnd { TimestampNs = At(400), TraceId = "sampled", SpanId = "a", Status = 200 });
        ring.Add(new InvocationEnd { TimestampNs = At(400), TraceId = "plain", SpanId = "b", Status = 0 });
    }

    [Fact]
    public void Opendc_SampledRequestByDefault_OneTaskAndTheReportSaysAsSampled()
    {
        WriteSampledAndUnsampled();
        string dir = Path.Combine(_run.Root, "as-sampled");

        var (code, console) = CapturingConsole.Run(["opendc", "--run-dir", _run.RunDirectory, "--out", dir]);

        Assert.True(code == 0, console.ErrorText + console.OutText);
        Assert.Equal(["plain", "sampled"], OpendcTables.Tasks(dir).Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Contains("1 tasks came from sampled requests; written as sampled", File.ReadAllText(Path.Combine(dir, "conversion_report.md")), StringComparison.Ordinal);
        Assert.Contains("written as sampled", console.OutText, StringComparison.Ordinal);
    }

    [Fact]
    public void Opendc_SampledRequestScaled_FourIdenticalTasksAndTheReportSaysScaled()
    {
        WriteSampledAndUnsampled();
        string dir = Path.Combine(_run.Root, "scaled");

        var (code, console) = CapturingConsole.Run(["opendc", "--run-dir", _run.RunDirectory, "--out", dir, "--sampled-tasks", "scale"]);

        Assert.True(code == 0, console.ErrorText + console.OutText);
        var tasks = OpendcTables.Tasks(dir);
        Assert.Equal(["plain", "sampled", "sampled#2", "sampled#3", "sampled#4"], tasks.Select(t => t.Name).Order(StringComparer.Ordinal));
        var sampled = tasks.Where(t => t.Name.StartsWith("sampled", StringComparison.Ordinal)).ToList();
        Assert.Single(sampled.Select(t => (t.Submission, t.Duration, t.CpuCount, t.Mem)).Distinct());
        var fragments = OpendcTables.Fragments(dir);
        var perTask = sampled.Select(t => fragments.Where(f => f.Id == t.Id).Select(f => (f.Duration, Math.Round(f.Usage, 6))).ToList()).ToList();
        Assert.All(perTask, f => Assert.Equal(perTask[0], f));
        Assert.Equal(1000.0, Math.Round(perTask[0].Sum(f => f.Item2 * f.Duration) / perTask[0].Sum(f => f.Duration), 6)); // 0.5 core × 2000 MHz
        Assert.Contains("1 tasks came from sampled requests; scaled", File.ReadAllText(Path.Combine(dir, "conversion_report.md")), StringComparison.Ordinal);
        Assert.Contains("3 copies added", console.OutText, StringComparison.Ordinal);
    }

    [Fact]
    public void Opendc_SampledTasksUnknownValue_ArgumentError()
    {
        var (code, console) = CapturingConsole.Run(["opendc", "--run-dir", _run.RunDirectory, "--sampled-tasks", "double"]);

        Assert.Equal((int)Tracekit.Convert.ReturnCode.ArgumentError, code);
        Assert.Contains("--sampled-tasks", console.ErrorText, StringComparison.Ordinal);
    }
}
