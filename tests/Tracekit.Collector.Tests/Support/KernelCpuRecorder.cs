namespace Tracekit.Collector.Tests.Support;

/// <summary>
/// The truth for CPU tests: a process's cumulative kernel counters, /proc/PID/stat utime+stime (ticks) and the main
/// thread's /proc/PID/schedstat (ns), read by a thread of the test (<see cref="CounterPoller{T}"/>).
/// </summary>
public sealed class KernelCpuRecorder : IDisposable
{
    private readonly CounterPoller<(long Ticks, long SchedNs)> _poller;

    public KernelCpuRecorder(int pid) =>
        _poller = new($"kernel-cpu-{pid}", () =>
            Proc.TryReadStat(pid, out var stat) & Proc.TryReadSchedstatNs(pid, out long sched) ? (stat.CpuTicks, sched) : null);

    /// <summary>utime+stime in ns (tick resolution: 10 ms per tick on USER_HZ 100).</summary>
    public Series StatNs() => new(_poller.Stop().Select(p => (p.T, p.Value.Ticks * 1e9 / Proc.TicksPerSecond)));

    /// <summary>The main thread's schedstat run time in ns (the whole process only when it is single-threaded).</summary>
    public Series SchedstatNs() => new(_poller.Stop().Select(p => (p.T, (double)p.Value.SchedNs)));

    public void Dispose() => _poller.Dispose();
}
