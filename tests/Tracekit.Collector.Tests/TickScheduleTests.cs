using Tracekit.Collector.Sampling;

namespace Tracekit.Collector.Tests;

/// <summary>The tick loop's fixed schedule, without a collector: exact times, no sleeping.</summary>
public sealed class TickScheduleTests
{
    private const long StartNs = 5_000_000_000;
    private const long IntervalNs = 10_000_000;

    [Fact]
    public void Take_ResumedAfterLongStall_SkippedSlotsMissedAndLaterSlotsNotShifted()
    {
        var schedule = new TickSchedule((ulong)StartNs, IntervalNs);
        schedule.Take((ulong)StartNs, out _);
        schedule.Take((ulong)(StartNs + IntervalNs), out _);

        // Stopped from slot 2 for 303 ms: slots 2..31 passed whole (due at +20 ms .. +310 ms), slot 32 (+320 ms)
        // is the one whose time it is, 3 ms late.
        long resumedNs = StartNs + 2 * IntervalNs + 303_000_000;
        ulong dueNs = schedule.Take((ulong)resumedNs, out long latenessNs);

        Assert.Equal(30, schedule.MissedTicks);
        Assert.Equal(3, schedule.Ticks);
        Assert.Equal((ulong)(StartNs + 32 * IntervalNs), dueNs);
        Assert.Equal(3_000_000, latenessNs);
        // Not shifted: the next slot stays on the original grid (+330 ms), not resumedNs + interval (+333 ms).
        Assert.Equal((ulong)(StartNs + 33 * IntervalNs), schedule.NextDueNs);
        Assert.Equal((ulong)(StartNs + 33 * IntervalNs), schedule.Take((ulong)(StartNs + 33 * IntervalNs), out long onTimeNs));
        Assert.Equal(0, onTimeNs);
        Assert.Equal(30, schedule.MissedTicks);
    }

    [Fact]
    public void Take_LateByLessThanOneInterval_NothingMissed()
    {
        // A tick late by 9.9 ms still has its slot: late, not missed.
        var schedule = new TickSchedule((ulong)StartNs, IntervalNs);
        schedule.Take((ulong)(StartNs + 9_900_000), out long latenessNs);
        Assert.Equal(0, schedule.MissedTicks);
        Assert.Equal(9_900_000, latenessNs);
        Assert.Equal(1, schedule.LateTicks);
        Assert.Equal((ulong)(StartNs + IntervalNs), schedule.NextDueNs);
    }
}
