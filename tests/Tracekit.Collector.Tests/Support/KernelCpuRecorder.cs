namespace Tracekit.Collector.Tests.Support;

/// <summary>
/// The truth for CPU tests: a thread of the test reads a process's cumulative kernel counters every ~2 ms,
/// /proc/PID/stat utime+stime (ticks) and the main thread's /proc/PID/schedstat (ns), each read bracketed by
/// CLOCK_MONOTONIC, so the counters can be interpolated at the timestamps of the collector's samples.
/// </summary>
public sealed class KernelCpuRecorder : IDisposable
{
    private readonly List<(long T, long Ticks, long SchedNs)> _points = new();
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;
    private bool _stopped;

    public KernelCpuRecorder(int pid)
    {
        _thread = new Thread(() =>
        {
            while (!_stop.IsSet)
            {
                long t0 = Mono.NowNs();
                bool ok = Proc.TryReadStat(pid, out var stat) & Proc.TryReadSchedstatNs(pid, out long sched);
                long t1 = Mono.NowNs();
                // A read that took long (preempted) is too vague to time.
                if (ok && t1 - t0 < 500_000) _points.Add(((t0 + t1) / 2, stat.CpuTicks, sched));
                Thread.Sleep(2);
            }
        }) { IsBackground = true, Priority = ThreadPriority.Highest, Name = $"kernel-cpu-{pid}" };
        _thread.Start();
    }

    /// <summary>Stops reading; the series are available afterwards.</summary>
    public IReadOnlyList<(long T, long Ticks, long SchedNs)> Stop()
    {
        if (!_stopped)
        {
            _stop.Set();
            _thread.Join();
            _stopped = true;
        }
        return _points;
    }

    /// <summary>utime+stime in ns (tick resolution: 10 ms per tick on USER_HZ 100).</summary>
    public Series StatNs() => new(Stop().Select(p => (p.T, p.Ticks * 1e9 / Proc.TicksPerSecond)));

    /// <summary>The main thread's schedstat run time in ns (the whole process only when it is single-threaded).</summary>
    public Series SchedstatNs() => new(Stop().Select(p => (p.T, (double)p.SchedNs)));

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }
}
