using Tracekit.Convert.Audit;
using Tracekit.Convert.Cctf;
using Tracekit.Convert.Cli;
using Tracekit.Convert.Reading;
using Tracekit.Convert.Tests.Support;

namespace Tracekit.Convert.Tests;

public sealed class UnitTests
{
    [Theory]
    [InlineData(0x0000, 0, null)]   // exit(0)
    [InlineData(0x0300, 3, null)]   // exit(3)
    [InlineData(0x0009, null, 9)]   // SIGKILL
    [InlineData(0x0086, null, 6)]   // SIGABRT with a core dump (bit 7)
    [InlineData(0x137F, null, null)] // stopped by SIGSTOP: not an end
    [InlineData(0xFFFF, null, null)] // continued
    public void DecodeWaitStatus_RawStatus_ExitCodeOrSignal(int raw, int? exitCode, int? signal)
    {
        EventWriters.DecodeWaitStatus(raw, out int? code, out int? sig);
        Assert.Equal(exitCode, code);
        Assert.Equal(signal, sig);
    }

    [Theory]
    [InlineData("eth0", true)]
    [InlineData("enp3s0", true)]
    [InlineData("wlan0", true)]
    [InlineData("lo", false)]
    [InlineData("docker0", false)]
    [InlineData("veth1a2b", false)]
    [InlineData("br-4f2", false)]
    [InlineData("", false)]
    public void IsCounted_InterfaceName_OnlyPhysicalLinks(string name, bool counted) =>
        Assert.Equal(counted, NetworkInterfaces.IsCounted(name));

    [Theory]
    [InlineData(1_999_999, 1)]
    [InlineData(2_000_000, 2)]
    [InlineData(-1, -1)]
    [InlineData(-1_000_000, -1)]
    [InlineData(-1_000_001, -2)]
    public void ToEpochMs_NsValues_FloorNotTruncation(long ns, long ms) => Assert.Equal(ms, EpochClock.ToEpochMs(ns));

    [Fact]
    public void ToEpochNs_AnchorAndLaterTimestamp_OffsetApplied()
    {
        var anchor = new AnchorPoint(RealtimeNs: 1_000_000_000_000, MonotonicNs: 500, Version: 1);
        Assert.Equal(1_000_000_000_100, EpochClock.ToEpochNs(600, anchor));
        Assert.Equal(999_999_999_900, EpochClock.ToEpochNs(400, anchor));
    }

    [Fact]
    public void IntervalStats_RegularSeriesWithTwoGaps_MedianAndGapsFound()
    {
        var stats = new IntervalStats();
        long t = 0;
        for (int i = 0; i < 1000; i++)
        {
            t += i is 300 or 700 ? 1_000_000_000 : 100_000_000; // 100 ms ticks, two 1 s gaps
            stats.Observe(t);
        }

        Assert.InRange(stats.MedianNs(), 97_000_000, 103_000_000);
        Assert.Equal(2, stats.CountAbove(2 * stats.MedianNs()));
        var largest = stats.LargestAbove(2 * stats.MedianNs());
        Assert.Equal(2, largest.Count);
        Assert.All(largest, static g => Assert.Equal(1_000_000_000, g.IntervalNs));
        Assert.Equal(1000, stats.Samples);
        Assert.Equal(999, stats.Count);
    }

    [Fact]
    public void IntervalStats_DuplicateTimestamps_NotIntervals()
    {
        var stats = new IntervalStats();
        stats.Observe(100);
        stats.Observe(100);
        stats.Observe(50);
        Assert.Equal(0, stats.Count);
        Assert.Equal(0, stats.MedianNs());
    }

    [Fact]
    public void ProgressBar_NotATerminal_NoProgressSink()
    {
        var console = new CapturingConsole { IsInteractive = false };
        Assert.Same(NoProgress.Instance, ProgressBar.For(console, 100, "x"));
    }

    [Fact]
    public void ProgressBar_TerminalButQuick_PrintsNothingBeforeOneSecond()
    {
        var console = new CapturingConsole { IsInteractive = true };
        var bar = ProgressBar.For(console, 100, "cctf");
        Assert.IsType<ProgressBar>(bar);
        bar.Report(50);
        bar.Complete();
        Assert.Equal(string.Empty, console.ErrorText);
    }
}
