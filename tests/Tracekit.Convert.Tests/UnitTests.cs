using Tracekit.Convert.Audit;
using Tracekit.Convert.Cctf;
using Tracekit.Convert.Cli;
using Tracekit.Convert.Reading;
using Tracekit.Convert.Tests.Support;

namespace Tracekit.Convert.Tests;

public sealed class UnitTests
{
    [Theory]
    [InlineData(0, null)]
    [InlineData(1, null)]
    [InlineData(128, null)]
    [InlineData(137, 9)]  // SIGKILL
    [InlineData(143, 15)] // SIGTERM
    [InlineData(192, 64)]
    [InlineData(255, null)]
    [InlineData(null, null)]
    public void SignalOf_ShellStyleStatus_SignalAbove128(int? status, int? signal) =>
        Assert.Equal(signal, EventWriters.SignalOf(status));

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

        Assert.Equal(100_000_000, stats.MedianNs()); // the mean of the median's bucket: exact when steady
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

    [Fact]
    public void ProgressBar_TerminalAfterOneSecond_DrawsLabelAndShareThenClearsOnComplete()
    {
        var console = new CapturingConsole { IsInteractive = true };
        var clock = new ManualClock();
        var bar = new ProgressBar(console, 200 << 20, "opendc", clock);
        clock.AdvanceMs(ProgressBar.DelayMs - 1);
        bar.Report(10 << 20);
        Assert.Equal(string.Empty, console.ErrorText);

        clock.AdvanceMs(2);
        bar.Report(50 << 20);
        Assert.StartsWith("\ropendc [", console.ErrorText);
        Assert.Contains(" 25.0% 50 MiB 1s", console.ErrorText);

        int drawn = console.ErrorText.Length;
        clock.AdvanceMs(ProgressBar.RedrawMs - 1);
        bar.Report(60 << 20);
        Assert.Equal(drawn, console.ErrorText.Length); // no redraw within RedrawMs

        bar.Complete();
        Assert.EndsWith("\r", console.ErrorText); // the line is blanked and the cursor back at its start
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => 1_000_000_000;

        public override long GetTimestamp() => _ticks;

        public void AdvanceMs(long ms) => _ticks += ms * 1_000_000;
    }
}
