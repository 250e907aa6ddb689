using System.Runtime.InteropServices;

namespace Tracekit.Native;

/// <summary>The clocks Tracekit reads (Linux clockid_t values).</summary>
public enum ClockId
{
    /// <summary>CLOCK_REALTIME: wall clock, ns since the Unix epoch; jumps when the time is set.</summary>
    Realtime = 0,

    /// <summary>CLOCK_MONOTONIC: never jumps, stops during suspend. Tracekit's record timestamps.</summary>
    Monotonic = 1,

    /// <summary>CLOCK_BOOTTIME: like monotonic but counts suspend.</summary>
    Boottime = 7,
}

/// <summary>
/// The kernel's clock-discipline state as read by <c>adjtimex(2)</c> with modes = 0 (read only).
/// </summary>
/// <param name="State">adjtimex return value: TIME_OK = 0 … TIME_ERROR = 5, or -1 when it could not be read.</param>
/// <param name="Status">timex.status bits (STA_UNSYNC = 0x40, STA_NANO = 0x2000, …).</param>
/// <param name="OffsetNs">timex.offset converted to ns (the unit depends on STA_NANO).</param>
/// <param name="MaxErrorNs">timex.maxerror (µs) converted to ns.</param>
/// <param name="EstErrorNs">timex.esterror (µs) converted to ns.</param>
public readonly record struct ClockSyncInfo(int State, int Status, long OffsetNs, long MaxErrorNs, long EstErrorNs)
{
    public const int StatusUnsync = 0x40;
    public const int StatusNano = 0x2000;

    /// <summary>The value recorded when adjtimex is unavailable (e.g. blocked by a sandbox).</summary>
    public static ClockSyncInfo Unknown => new(-1, 0, 0, 0, 0);

    /// <summary>True when the kernel says the clock is not synchronized (STA_UNSYNC or TIME_ERROR).</summary>
    public bool IsUnsynchronized => State < 0 || State == 5 || (Status & StatusUnsync) != 0;
}

public static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "clock_gettime", SetLastError = true)]
    [SuppressGCTransition] // vDSO call of a few ns; it never blocks, so skipping the GC transition is safe
    private static unsafe partial int ClockGetTimeImport(int clockId, long* timespec);

    [LibraryImport(LibraryName, EntryPoint = "adjtimex", SetLastError = true)]
    private static unsafe partial int AdjtimexImport(byte* timex);

    /// <summary>Reads a clock in ns (tv_sec × 10^9 + tv_nsec). Throws for a clock the kernel does not know.</summary>
    public static unsafe long ClockGetTimeNs(ClockId clock)
    {
        long* timespec = stackalloc long[2];
        if (ClockGetTimeImport((int)clock, timespec) != 0)
        {
            int errno = LastErrno;
            throw new IOException($"clock_gettime({clock}) failed: {DescribeErrno(errno)} (errno {errno}).", errno);
        }
        return (timespec[0] * 1_000_000_000L) + timespec[1];
    }

    /// <summary>
    /// Reads the kernel clock-sync state with adjtimex(modes = 0), which never changes the clock.
    /// Returns <see cref="ClockSyncInfo.Unknown"/> when the call is refused.
    /// </summary>
    public static unsafe ClockSyncInfo ReadClockSync()
    {
        // struct timex on LP64: modes@0 (uint), offset@8, freq@16, maxerror@24, esterror@32 (long),
        // status@40 (int), …, 208 bytes in all. A zeroed buffer means modes = 0: read only.
        byte* timex = stackalloc byte[512];
        new Span<byte>(timex, 512).Clear();
        int state = AdjtimexImport(timex);
        if (state < 0) return ClockSyncInfo.Unknown;
        long offset = *(long*)(timex + 8);
        long maxErrorUs = *(long*)(timex + 24);
        long estErrorUs = *(long*)(timex + 32);
        int status = *(int*)(timex + 40);
        long offsetNs = (status & ClockSyncInfo.StatusNano) != 0 ? offset : offset * 1000;
        return new ClockSyncInfo(state, status, offsetNs, maxErrorUs * 1000, estErrorUs * 1000);
    }

    /// <summary>
    /// A realtime/monotonic pair: CLOCK_REALTIME read between two CLOCK_MONOTONIC reads and paired with their
    /// midpoint. Of three tries the one with the narrowest bracket wins, so a preemption between the reads cannot
    /// skew the pair. Both the ring's clock anchors and the EventPipe captures' anchors use it.
    /// </summary>
    public static void ReadClockPair(out long monotonicNs, out long realtimeNs)
    {
        long bestGapNs = long.MaxValue;
        monotonicNs = 0;
        realtimeNs = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = ClockGetTimeNs(ClockId.Monotonic);
            long real = ClockGetTimeNs(ClockId.Realtime);
            long after = ClockGetTimeNs(ClockId.Monotonic);
            if (after - before < bestGapNs)
            {
                bestGapNs = after - before;
                monotonicNs = before + ((after - before) / 2);
                realtimeNs = real;
            }
        }
    }
}
