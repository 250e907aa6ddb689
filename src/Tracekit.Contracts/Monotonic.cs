using Tracekit.Native;

namespace Tracekit.Contracts;

/// <summary>
/// CLOCK_MONOTONIC in ns: the clock of every record (docs/ring-format.md, section 4). Unsigned, as the records'
/// timestamps are, so a tick loop computes with the same numbers it writes.
/// </summary>
public static class Monotonic
{
    public static ulong NowNs() => (ulong)Libc.ClockGetTimeNs(ClockId.Monotonic);

    /// <summary>Sleeps until the clock reaches <paramref name="deadlineNs"/>; false when a signal cut the sleep short.</summary>
    public static bool SleepUntilNs(ulong deadlineNs) => Libc.SleepUntilMonotonicNs((long)deadlineNs);
}
