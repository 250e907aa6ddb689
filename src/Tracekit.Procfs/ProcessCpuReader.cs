using Microsoft.Win32.SafeHandles;
using Tracekit.Native;

namespace Tracekit.Procfs;

/// <summary>Where <see cref="ProcessCpuReader"/> gets a process's cumulative CPU time (see docs/cpu-time-sources.md).</summary>
public enum CpuTimeSource : byte
{
    /// <summary>
    /// clock_gettime on the process's CPU clock: ns, all threads including exited ones, one syscall (~0.5 µs with
    /// few threads), no fd per thread. The clock names a PID, so each read is confirmed by polling a pidfd.
    /// </summary>
    ProcessCpuClock = 1,

    /// <summary>Sum of per-thread schedstat over kept fds: ns, ~1.2 µs per thread per read, loses exited threads' tails.</summary>
    TaskSchedstatSum = 2,

    /// <summary>utime + stime of /proc/PID/stat: USER_HZ ticks (10 ms); fine for intervals of 100 ms and more.</summary>
    StatTicks = 3,
}

/// <summary>
/// Cumulative CPU time of one process at high rate, plus its /proc/PID/stat through a kept fd. Identity is fixed at
/// open (PID + start time): the kept stat fd and the pidfd are bound to that process, so after it exits the reader
/// reports <see cref="ProcReadStatus.Vanished"/> and never a later process that reuses the PID.
/// Not thread-safe: one sampler thread owns it. fds held: stat, statm and the task dir, plus the pidfd (clock
/// source) or one per thread (schedstat source).
/// </summary>
public sealed class ProcessCpuReader : IDisposable
{
    private static readonly long NsPerTick = 1_000_000_000 / Libc.GetClockTicksPerSecond();

    private readonly ProcFile _stat;
    private readonly ProcFile? _statm;
    private readonly SafeFileHandle? _taskDirectory;
    private readonly SafeFileHandle? _pidfd;
    private readonly TaskSchedstatSum? _taskSum;
    private readonly byte[] _statBuffer = new byte[1024];

    private ProcessCpuReader(int pid, ProcFile stat, in PidStat firstStat, CpuTimeSource source, SafeFileHandle? pidfd, TaskSchedstatSum? taskSum)
    {
        Pid = pid;
        _stat = stat;
        // Optional: without them RSS and threads come from the (4x dearer) stat read.
        ProcFile.TryOpenPid(pid, "statm"u8, out _statm);
        _taskDirectory = OpenTaskDirectory(pid);
        StartTimeTicks = firstStat.StartTimeTicks;
        Source = source;
        _pidfd = pidfd;
        _taskSum = taskSum;
        LastThreadCount = firstStat.ThreadCount;
    }

    public int Pid { get; }

    /// <summary>Start time in ticks after boot, read at open: (Pid, StartTimeTicks) is the process's identity.</summary>
    public ulong StartTimeTicks { get; }

    public CpuTimeSource Source { get; }

    /// <summary>num_threads at the last stat read (the schedstat source re-lists threads when it changes).</summary>
    public int LastThreadCount { get; private set; }

    /// <summary>The pidfd (clock source only), e.g. to register with <see cref="ProcessExitWatcher"/>.</summary>
    public SafeFileHandle? Pidfd => _pidfd;

    public int LastErrno { get; private set; }

    /// <summary>
    /// Opens the reader. The preferred source falls back when unavailable: the clock needs pidfd_open (Linux 5.3)
    /// and a working process CPU clock; the schedstat sum needs /proc/PID/task; stat ticks always work.
    /// </summary>
    public static ProcReadStatus TryOpen(int pid, out ProcessCpuReader? reader, CpuTimeSource preferred = CpuTimeSource.ProcessCpuClock)
    {
        reader = null;
        ProcReadStatus status = ProcFile.TryOpenPid(pid, "stat"u8, out ProcFile? stat);
        if (stat is null)
        {
            return status;
        }

        Span<byte> buffer = stackalloc byte[1024];
        status = stat.TryRead(buffer, out int length);
        PidStat firstStat = default;
        if (status == ProcReadStatus.Ok && !PidStatParser.TryParse(buffer[..length], out firstStat))
        {
            status = ProcReadStatus.Malformed;
        }

        if (status != ProcReadStatus.Ok)
        {
            stat.Dispose();
            return status;
        }

        SafeFileHandle? pidfd = null;
        TaskSchedstatSum? taskSum = null;
        CpuTimeSource source = CpuTimeSource.StatTicks;
        if (preferred == CpuTimeSource.ProcessCpuClock)
        {
            pidfd = Libc.TryOpenPidfd(pid, out _);
            if (pidfd is not null && Libc.TryGetProcessCpuTimeNs(pid, out _, out _))
            {
                source = CpuTimeSource.ProcessCpuClock;
            }
            else
            {
                pidfd?.Dispose();
                pidfd = null;
                preferred = CpuTimeSource.TaskSchedstatSum;
            }
        }

        if (preferred == CpuTimeSource.TaskSchedstatSum && TaskSchedstatSum.TryOpen(pid, out taskSum) == ProcReadStatus.Ok)
        {
            source = CpuTimeSource.TaskSchedstatSum;
        }

        reader = new ProcessCpuReader(pid, stat, firstStat, source, pidfd, taskSum);
        return ProcReadStatus.Ok;
    }

    /// <summary>
    /// Cumulative CPU time of the whole process in ns. For the clock source the value is confirmed: the pidfd is
    /// polled after the clock read, and a PID can only be reused after its process exited, so "not exited yet"
    /// proves the value was this process's. An exited process reports Vanished (its last good value stands).
    /// </summary>
    public ProcReadStatus TryReadCpuTimeNs(out long cpuTimeNs)
    {
        ProcReadStatus status = TryReadCpuTimeNsUnconfirmed(out cpuTimeNs);
        if (status != ProcReadStatus.Ok || Source != CpuTimeSource.ProcessCpuClock)
        {
            return status;
        }

        int exited = Libc.TryPollReadable(_pidfd!, out int errno);
        LastErrno = errno;
        if (exited != 0)
        {
            cpuTimeNs = 0;
            return exited > 0 ? ProcReadStatus.Vanished : ProcErrors.FromErrno(errno);
        }

        return ProcReadStatus.Ok;
    }

    /// <summary>
    /// Like <see cref="TryReadCpuTimeNs"/> but, for the clock source, without the pidfd poll: the caller must
    /// confirm afterwards, e.g. by one <see cref="ProcessExitWatcher.PollExited"/> after reading every process of a
    /// tick, and drop the values of processes it reports. Saves one syscall per process.
    /// </summary>
    public ProcReadStatus TryReadCpuTimeNsUnconfirmed(out long cpuTimeNs)
    {
        switch (Source)
        {
            case CpuTimeSource.ProcessCpuClock:
                if (Libc.TryGetProcessCpuTimeNs(Pid, out cpuTimeNs, out int errno))
                {
                    return ProcReadStatus.Ok;
                }

                LastErrno = errno;
                // EINVAL is how the clock says "no such process" once the PID is reaped.
                return errno is Libc.ErrnoValues.EINVAL or Libc.ErrnoValues.ESRCH ? ProcReadStatus.Vanished : ProcErrors.FromErrno(errno);

            case CpuTimeSource.TaskSchedstatSum:
                return _taskSum!.TryReadCpuTimeNs(out cpuTimeNs);

            default:
                ProcReadStatus status = TryReadStat(out PidStat stat);
                cpuTimeNs = status == ProcReadStatus.Ok ? (long)stat.CpuTicks * NsPerTick : 0;
                return status;
        }
    }

    /// <summary>
    /// RSS (pages) and live thread count, the cheap way: a pread of the kept /proc/PID/statm (~1.2 µs) and the link
    /// count of the kept /proc/PID/task fd (~0.8 µs, 2 + threads), instead of formatting and parsing the 52 fields
    /// of /proc/PID/stat (~4 µs). Falls back to stat when either fd could not be opened.
    /// </summary>
    public ProcReadStatus TryReadMemoryAndThreads(out long rssPages, out int threadCount)
    {
        if (_statm is null || _taskDirectory is null)
        {
            ProcReadStatus statStatus = TryReadStat(out PidStat stat);
            rssPages = stat.RssPages;
            threadCount = stat.ThreadCount;
            return statStatus;
        }

        rssPages = 0;
        threadCount = 0;
        Span<byte> buffer = stackalloc byte[128];
        ProcReadStatus status = _statm.TryRead(buffer, out int length);
        LastErrno = _statm.LastErrno;
        if (status != ProcReadStatus.Ok) return status;
        if (!StatmParser.TryParseResidentPages(buffer[..length], out rssPages)) return ProcReadStatus.Malformed;
        if (!Libc.TryGetLinkCount(_taskDirectory, out uint links, out int errno))
        {
            LastErrno = errno;
            return ProcErrors.FromErrno(errno);
        }

        // A process that exited keeps its task directory inode with no threads: 2 links. Its statm read fails first.
        threadCount = (int)Math.Max(0, (long)links - 2);
        if (threadCount != LastThreadCount)
        {
            LastThreadCount = threadCount;
            _taskSum?.RequestRefresh();
        }

        return ProcReadStatus.Ok;
    }

    private static SafeFileHandle? OpenTaskDirectory(int pid)
    {
        Span<byte> path = stackalloc byte[ProcPath.MaxProcPathBytes];
        int length = ProcPath.FormatPid(path, pid, "task"u8);
        return length < 0 ? null : Libc.TryOpenDirectory(path[..length], out _);
    }

    /// <summary>Reads /proc/PID/stat through the kept fd (~3-5 µs): RSS, threads, state, tick CPU.</summary>
    public ProcReadStatus TryReadStat(out PidStat stat) => TryReadStat(out stat, out _);

    /// <summary>As <see cref="TryReadStat(out PidStat)"/>; comm points into this reader's buffer until the next read.</summary>
    public ProcReadStatus TryReadStat(out PidStat stat, out ReadOnlySpan<byte> comm)
    {
        stat = default;
        comm = default;
        ProcReadStatus status = _stat.TryRead(_statBuffer, out int length);
        LastErrno = _stat.LastErrno;
        if (status != ProcReadStatus.Ok)
        {
            return status;
        }

        if (!PidStatParser.TryParse(_statBuffer.AsSpan(0, length), out stat, out comm))
        {
            return ProcReadStatus.Malformed;
        }

        if (stat.ThreadCount != LastThreadCount)
        {
            LastThreadCount = stat.ThreadCount;
            _taskSum?.RequestRefresh();
        }

        return ProcReadStatus.Ok;
    }

    /// <summary>Re-list threads on the next read (schedstat source; a no-op otherwise). Call it periodically.</summary>
    public void RequestThreadRefresh() => _taskSum?.RequestRefresh();

    public void Dispose()
    {
        _stat.Dispose();
        _statm?.Dispose();
        _taskDirectory?.Dispose();
        _pidfd?.Dispose();
        _taskSum?.Dispose();
    }
}
