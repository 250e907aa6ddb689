using System.Diagnostics;

namespace Tracekit.Native.Tests;

public sealed class LibcTests
{
    [Fact]
    public void ClockGetTimeNs_Realtime_MatchesSystemClock()
    {
        long expectedNs = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        long realtimeNs = Libc.ClockGetTimeNs(ClockId.Realtime);
        Assert.InRange(realtimeNs - expectedNs, -1_000_000_000L, 1_000_000_000L);
    }

    [Fact]
    public void ClockGetTimeNs_Monotonic_SameClockAsStopwatchAndNeverBackwards()
    {
        Assert.Equal(1_000_000_000, Stopwatch.Frequency); // on Linux Stopwatch reads CLOCK_MONOTONIC in ns
        long before = Stopwatch.GetTimestamp();
        long first = Libc.ClockGetTimeNs(ClockId.Monotonic);
        long second = Libc.ClockGetTimeNs(ClockId.Monotonic);
        long after = Stopwatch.GetTimestamp();
        Assert.InRange(first, before, second);
        Assert.InRange(second, first, after);
    }

    [Fact]
    public void ClockGetTimeNs_Boottime_AtLeastMonotonic()
    {
        long monotonic = Libc.ClockGetTimeNs(ClockId.Monotonic);
        long boottime = Libc.ClockGetTimeNs(ClockId.Boottime);
        Assert.True(boottime >= monotonic - 1_000_000, $"boottime {boottime} < monotonic {monotonic}");
    }

    [Fact]
    public void ClockGetTimeNs_UnknownClock_ThrowsWithErrno()
    {
        IOException error = Assert.Throws<IOException>(() => Libc.ClockGetTimeNs((ClockId)12345));
        Assert.Contains("errno 22", error.Message); // EINVAL
    }

    [Fact]
    public void ReadClockPair_Now_MonotonicInsideTheCallAndRealtimeAtTheSameInstant()
    {
        long monotonicBefore = Libc.ClockGetTimeNs(ClockId.Monotonic);
        long realtimeBefore = Libc.ClockGetTimeNs(ClockId.Realtime);
        Libc.ReadClockPair(out long monotonicNs, out long realtimeNs);
        long monotonicAfter = Libc.ClockGetTimeNs(ClockId.Monotonic);

        Assert.InRange(monotonicNs, monotonicBefore, monotonicAfter);
        // The pair's offset equals the offset seen just before, up to the time between the two reads (and any
        // clock step in between, which does not happen in a test).
        long offsetBefore = realtimeBefore - monotonicBefore;
        Assert.InRange(realtimeNs - monotonicNs - offsetBefore, -(monotonicAfter - monotonicBefore) - 1_000_000, (monotonicAfter - monotonicBefore) + 1_000_000);
    }

    [Fact]
    public void ReadClockSync_ReadOnlyQuery_ReturnsKernelStateInRange()
    {
        ClockSyncInfo sync = Libc.ReadClockSync();
        Assert.InRange(sync.State, -1, 5);
        if (sync.State >= 0)
        {
            Assert.True(sync.MaxErrorNs >= 0);
            Assert.True(sync.EstErrorNs >= 0);
            Assert.Equal(0, sync.MaxErrorNs % 1000); // µs converted to ns
        }
    }

    [Fact]
    public void ClockSyncInfo_Unknown_IsUnsynchronized()
    {
        Assert.True(ClockSyncInfo.Unknown.IsUnsynchronized);
        Assert.True(new ClockSyncInfo(0, ClockSyncInfo.StatusUnsync, 0, 0, 0).IsUnsynchronized);
        Assert.False(new ClockSyncInfo(0, 0, 0, 0, 0).IsUnsynchronized);
    }

    [Fact]
    public void GetAvailableFreeSpaceInBytes_ExistingAndMissingPaths()
    {
        Assert.True(Libc.GetAvailableFreeSpaceInBytes(Path.GetTempPath()) > 0);
        Assert.Equal(-1, Libc.GetAvailableFreeSpaceInBytes("/no/such/path/here"));
    }

    [Fact]
    public void FileLock_ExclusiveHeld_OthersSeeItUntilDisposed()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tracekit-native-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            Assert.False(FileLock.IsLockedByAnother(dir));
            using (FileLock held = FileLock.TryAcquireExclusive(dir)!)
            {
                Assert.NotNull(held);
                Assert.True(FileLock.IsLockedByAnother(dir));
                Assert.Null(FileLock.TryAcquireExclusive(dir));
            }
            Assert.False(FileLock.IsLockedByAnother(dir));
            Assert.False(FileLock.IsLockedByAnother(Path.Combine(dir, "missing")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
