using Tracekit.Native;

namespace Tracekit.Load;

/// <summary>CLOCK_MONOTONIC in ns: the clock of every record (docs/ring-format.md, section 4).</summary>
public static class Monotonic
{
    public static long NowNs() => Libc.ClockGetTimeNs(ClockId.Monotonic);
}
