using System.Globalization;
using System.Text.Json;

namespace Tracekit.Collector.Tests;

/// <summary>
/// "A tick allocates nothing" (docs/cli.md), measured in bytes rather than collections: a run with hundreds more
/// ticks must not end with more allocated bytes (meta.json allocated_bytes) than a short one.
/// </summary>
public sealed class TickAllocationTests : IDisposable
{
    /// <summary>
    /// GC.GetTotalAllocatedBytes() moves in allocation-context chunks (about 8 KiB per thread), so two runs with
    /// identical allocations differ by a chunk (8,200 bytes measured). One 24-byte object per tick would add
    /// 900 × 24 ≈ 21 KiB over the long run's extra ticks, one per process sample three times that: above it.
    /// </summary>
    private const long AllowanceBytes = 16 * 1024;

    private readonly TempDir _dir = new("tk-alloc");
    private readonly ITestOutputHelper _output;

    public TickAllocationTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Collect_LongerSteadyRun_AllocatesNoMoreBytesThanShortRun()
    {
        using var a = Spawned.Start("sleep", ["60"]);
        using var b = Spawned.Start("sleep", ["60"]);
        using var c = Spawned.Start("sleep", ["60"]);
        string[] pids = ["--pid", Pid(a), "--pid", Pid(b), "--pid", Pid(c)];

        var (shortTicks, shortBytes) = Run("short", "1s", pids);
        // A fork anywhere on the host makes the collector list /proc (children of selected processes are followed),
        // and PIDs it has not seen grow its tables: that allocates with the host's process churn, not with ticks.
        // The lesser of two long runs is the one a burst of other processes' forks (a busy CI host) did not inflate.
        var first = Run("long", "10s", pids);
        var second = Run("long2", "10s", pids);
        var (longTicks, longBytes) = first.AllocatedBytes <= second.AllocatedBytes ? first : second;
        _output.WriteLine($"short: {shortTicks} ticks, {shortBytes} bytes; long: {longTicks} ticks, {longBytes} bytes; difference {longBytes - shortBytes} bytes");

        // Without the extra ticks the comparison would prove nothing.
        Assert.True(longTicks - shortTicks >= 800, $"only {longTicks - shortTicks} more ticks in the long run");
        Assert.InRange(longBytes - shortBytes, -AllowanceBytes, AllowanceBytes);
    }

    private (long Ticks, long AllocatedBytes) Run(string runId, string duration, string[] pids)
    {
        using var collector = CollectorRun.Start(_dir.Path, runId, ["--interval", "10ms", "--duration", duration, .. pids]);
        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(30)));
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(collector.NodeDirectory, "meta.json")));
        return (meta.RootElement.GetProperty("ticks").GetInt64(), meta.RootElement.GetProperty("allocated_bytes").GetInt64());
    }

    private static string Pid(Spawned process) => process.Pid.ToString(CultureInfo.InvariantCulture);
}
