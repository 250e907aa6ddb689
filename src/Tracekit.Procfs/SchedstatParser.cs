namespace Tracekit.Procfs;

/// <summary>
/// Parser of /proc/PID/schedstat and /proc/PID/task/TID/schedstat: "run_ns wait_ns timeslices". The first field is
/// the task's sum_exec_runtime in ns. /proc/PID/schedstat covers the main thread ONLY (measured: a two-thread
/// burner shows 50% there), so whole-process figures need the per-task files or the process CPU clock.
/// </summary>
public static class SchedstatParser
{
    public static bool TryParse(ReadOnlySpan<byte> content, out ulong onCpuNs, out ulong runQueueWaitNs, out ulong timeslices)
    {
        runQueueWaitNs = 0;
        timeslices = 0;
        ReadOnlySpan<byte> rest = content;
        return AsciiScan.TryTakeUInt64(ref rest, out onCpuNs) &&
               AsciiScan.TryTakeUInt64(ref rest, out runQueueWaitNs) &&
               AsciiScan.TryTakeUInt64(ref rest, out timeslices);
    }

    public static bool TryParseOnCpuNs(ReadOnlySpan<byte> content, out ulong onCpuNs) =>
        TryParse(content, out onCpuNs, out _, out _);
}
