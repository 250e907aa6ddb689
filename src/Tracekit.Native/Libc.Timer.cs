using System.Runtime.InteropServices;

namespace Tracekit.Native;

public static partial class Libc
{
    private const int ClockMonotonicId = 1;
    private const int TimerAbsTime = 1;
    private const int Eintr = 4;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleepNative(int clockId, int flags, in TimeSpec request, IntPtr remain);

    /// <summary>
    /// Sleeps until CLOCK_MONOTONIC reaches <paramref name="deadlineNs"/>. An absolute deadline is what keeps a
    /// periodic schedule free of drift: the time spent working in a tick does not push the next tick back.
    /// Returns early (false) only when a signal interrupts the sleep.
    /// </summary>
    public static bool SleepUntilMonotonicNs(long deadlineNs)
    {
        var request = new TimeSpec { Seconds = deadlineNs / 1_000_000_000, Nanoseconds = deadlineNs % 1_000_000_000 };
        int rc = ClockNanosleepNative(ClockMonotonicId, TimerAbsTime, request, IntPtr.Zero);
        return rc != Eintr;
    }
}
