using Tracekit.Native;

namespace Tracekit.Collector.Tests;

/// <summary>
/// The ring's ClockAnchor records: one at start, then one every 10 s (CollectSession.ClockAnchorEveryNs, a
/// constant with no test hook, hence a 25 s run), then one at the end, each with the kernel's clock-sync state.
/// </summary>
public sealed class ClockAnchorTests : IDisposable
{
    private const long AnchorPeriodNs = 10_000_000_000;
    private const long IntervalNs = 100_000_000;
    /// <summary>The kernel slews CLOCK_REALTIME by at most 500 ppm (MAXFREQ in kernel/time/ntp.c).</summary>
    private const double MaxSlewPerNs = 500e-6;
    /// <summary>A pair is the best of three bracketed reads; 1 ms covers a preemption inside every one of them.</summary>
    private const long PairErrorNs = 1_000_000;

    private readonly TempDir _dir = new("tk-anchor");
    private readonly ITestOutputHelper _output;

    public ClockAnchorTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Collect_25sRun_AnchorsAtStartEvery10sAndEndWithClockSyncState()
    {
        Libc.ReadClockPair(out long testMonoBeforeNs, out long testRealBeforeNs);
        using var collector = CollectorRun.Start(_dir.Path, "anchors", "--interval", "100ms", "--duration", "25s");
        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(90)));
        Libc.ReadClockPair(out long testMonoAfterNs, out long testRealAfterNs);
        var sync = Libc.ReadClockSync();

        var ring = collector.ReadRing();
        var records = ring.Records;
        var anchorIndexes = Enumerable.Range(0, records.Count).Where(i => records[i] is ClockAnchor).ToList();
        var anchors = anchorIndexes.Select(i => (ClockAnchor)records[i]).ToList();
        var ticks = ring.TickTimestamps();
        foreach (var a in anchors) _output.WriteLine($"anchor mono {a.TimestampNs} real {a.RealtimeNs} state {a.ClockSyncState} status 0x{a.ClockStatus:x} offset {a.ClockOffsetNs} maxerror {a.ClockMaxErrorNs} esterror {a.ClockEstErrorNs}");
        _output.WriteLine($"adjtimex now: {sync}; {ticks.Count} ticks");

        // Start, 10 s, 20 s, end: a third periodic anchor would need a 30 s run.
        Assert.Equal(4, anchors.Count);
        Assert.Equal(0, anchorIndexes[0]);
        // The end anchor comes right before the final SelfReport, the ring's last record (it counts every other).
        Assert.Equal(records.Count - 2, anchorIndexes[^1]);
        Assert.IsType<SelfReport>(records[^1]);
        Assert.True(anchors[0].TimestampNs <= ticks[0]);

        // The periodic anchor is written by the first tick at or after its due time. 10 s is a whole number of
        // intervals, so that is the tick due at exactly k × 10 s: the anchor follows it by the tick's lateness and
        // work, and anything an interval off would mean another tick wrote it.
        for (int k = 1; k <= 2; k++)
        {
            long sinceFirstTickNs = (long)anchors[k].TimestampNs - (long)ticks[0];
            Assert.InRange(sinceFirstTickNs, k * AnchorPeriodNs, k * AnchorPeriodNs + IntervalNs);

            // Monotonically inside its tick: after the tick's records, before the next tick's.
            var before = records.Take(anchorIndexes[k]).OfType<HostCpu>().Last(h => h.Cpu == -1);
            var after = records.Skip(anchorIndexes[k]).OfType<HostCpu>().First(h => h.Cpu == -1);
            Assert.InRange(anchors[k].TimestampNs, before.TimestampNs, after.TimestampNs);
        }

        foreach (var anchor in anchors)
        {
            // Each pair agrees with the test's own pairs taken around the run: the same wall clock, to the slew
            // the kernel may apply over that time.
            long sinceTestStartNs = (long)anchor.TimestampNs - testMonoBeforeNs;
            Assert.InRange(sinceTestStartNs, 0, testMonoAfterNs - testMonoBeforeNs);
            long expectedRealNs = testRealBeforeNs + sinceTestStartNs;
            long allowedNs = PairErrorNs + (long)(MaxSlewPerNs * sinceTestStartNs);
            Assert.InRange(anchor.RealtimeNs, expectedRealNs - allowedNs, expectedRealNs + allowedNs);
            Assert.InRange(anchor.RealtimeNs, testRealBeforeNs, testRealAfterNs);

            // Consecutive anchors date the records between them alike: no jump of realtime − monotonic at an anchor.
            long offsetDriftNs = (anchor.RealtimeNs - (long)anchor.TimestampNs) - (anchors[0].RealtimeNs - (long)anchors[0].TimestampNs);
            Assert.InRange(Math.Abs(offsetDriftNs), 0, PairErrorNs + (long)(MaxSlewPerNs * ((long)anchor.TimestampNs - (long)anchors[0].TimestampNs)));

            AssertSyncStateMatches(sync, anchor);
        }
    }

    /// <summary>The sync fields are adjtimex's, as the test reads them through the same Libc helper.</summary>
    private static void AssertSyncStateMatches(ClockSyncInfo now, ClockAnchor anchor)
    {
        // adjtimex answers on this machine, so "unknown" (-1) in a record would mean the collector did not ask.
        Assert.NotEqual(-1, now.State);
        Assert.Equal(now.State, anchor.ClockSyncState);
        Assert.Equal(now.Status & (ClockSyncInfo.StatusUnsync | ClockSyncInfo.StatusNano), anchor.ClockStatus & (ClockSyncInfo.StatusUnsync | ClockSyncInfo.StatusNano));
        // maxerror and esterror are capped at NTP_PHASE_LIMIT (16 s), where an unsynchronized clock (TIME_ERROR,
        // STA_UNSYNC, as on the reference VMs) sits; NTP keeps |offset| below 0.5 s (MAXPHASE) or steps instead.
        Assert.InRange(anchor.ClockMaxErrorNs, 0, 16_000_000_000);
        Assert.InRange(anchor.ClockEstErrorNs, 0, 16_000_000_000);
        Assert.InRange(Math.Abs(anchor.ClockOffsetNs), 0, 500_000_000);
    }
}
