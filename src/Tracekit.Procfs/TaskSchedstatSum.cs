namespace Tracekit.Procfs;

/// <summary>
/// Whole-process CPU in ns as the sum of /proc/PID/task/TID/schedstat over kept per-thread descriptors. The thread
/// list is re-read only on <see cref="RequestRefresh"/> (the owner calls it when num_threads changes, or
/// periodically) or after a thread vanished. Known loss: a thread that exits takes with it the CPU it used since its
/// last read, and a thread that lives and dies between two refreshes is never seen. The process CPU clock has
/// neither flaw (see docs/cpu-time-sources.md); this source is the fallback where that clock is unavailable.
/// </summary>
public sealed class TaskSchedstatSum : IDisposable
{
    private readonly int _pid;
    private readonly ProcDirectory _taskDirectory;
    private readonly int _maxTasks;
    private readonly byte[] _readBuffer = new byte[128];
    private int[] _listing;
    private int[] _tids;
    private ProcFile?[] _files;
    private long[] _lastNs;
    private int _count;
    private long _retiredNs;
    private bool _refreshRequested = true;

    private TaskSchedstatSum(int pid, ProcDirectory taskDirectory, int maxTasks)
    {
        _pid = pid;
        _taskDirectory = taskDirectory;
        _maxTasks = maxTasks;
        _listing = new int[16];
        _tids = new int[16];
        _files = new ProcFile?[16];
        _lastNs = new long[16];
    }

    /// <summary>Threads currently followed.</summary>
    public int TaskCount => _count;

    /// <summary>True when the process had more threads than the cap at the last refresh (the sum is then too low).</summary>
    public bool IsCapped { get; private set; }

    public static ProcReadStatus TryOpen(int pid, out TaskSchedstatSum? sum, int maxTasks = 256)
    {
        ProcReadStatus status = ProcDirectory.TryOpenTasks(pid, out ProcDirectory? directory);
        sum = directory is null ? null : new TaskSchedstatSum(pid, directory, Math.Max(1, maxTasks));
        return status;
    }

    /// <summary>Makes the next read re-list the threads (e.g. because num_threads in /proc/PID/stat changed).</summary>
    public void RequestRefresh() => _refreshRequested = true;

    /// <summary>Cumulative CPU of the followed threads plus the last-known CPU of threads that have exited.</summary>
    public ProcReadStatus TryReadCpuTimeNs(out long cpuTimeNs)
    {
        cpuTimeNs = 0;
        if (_refreshRequested)
        {
            ProcReadStatus refresh = Refresh();
            if (refresh != ProcReadStatus.Ok)
            {
                return refresh;
            }
        }

        int live = 0;
        for (int i = 0; i < _count; i++)
        {
            ProcFile? file = _files[i];
            if (file is null)
            {
                continue;
            }

            ProcReadStatus status = file.TryRead(_readBuffer, out int length);
            if (status == ProcReadStatus.Vanished)
            {
                // The thread is gone (ESRCH): keep the CPU it had used at its last read.
                Retire(i);
                _refreshRequested = true;
                continue;
            }

            if (status != ProcReadStatus.Ok)
            {
                return status;
            }

            if (!SchedstatParser.TryParseOnCpuNs(_readBuffer.AsSpan(0, length), out ulong ns) || ns > long.MaxValue)
            {
                return ProcReadStatus.Malformed;
            }

            _lastNs[i] = (long)ns;
            live++;
        }

        if (live == 0)
        {
            return ProcReadStatus.Vanished;
        }

        long sumNs = _retiredNs;
        for (int i = 0; i < _count; i++)
        {
            sumNs += _lastNs[i];
        }

        cpuTimeNs = sumNs;
        return ProcReadStatus.Ok;
    }

    private ProcReadStatus Refresh()
    {
        ProcReadStatus status = _taskDirectory.TryListNumericEntries(_listing, out int found);
        while (status == ProcReadStatus.Ok && found > _listing.Length && _listing.Length < _maxTasks * 2)
        {
            _listing = new int[Math.Min(found * 2, _maxTasks * 2)];
            status = _taskDirectory.TryListNumericEntries(_listing, out found);
        }

        if (status != ProcReadStatus.Ok)
        {
            return status;
        }

        if (found == 0)
        {
            return ProcReadStatus.Vanished;
        }

        int listed = Math.Min(found, _listing.Length);
        Span<int> tids = _listing.AsSpan(0, listed);
        tids.Sort();

        // Threads no longer listed have exited: retire them before taking in new ones.
        for (int i = 0; i < _count; i++)
        {
            if (_files[i] is not null && tids.BinarySearch(_tids[i]) < 0)
            {
                Retire(i);
            }
        }

        Compact();
        IsCapped = listed > _maxTasks || found > listed;
        foreach (int tid in tids)
        {
            if (_count >= _maxTasks)
            {
                IsCapped = true;
                break;
            }

            if (_tids.AsSpan(0, _count).BinarySearch(tid) >= 0)
            {
                continue;
            }

            if (ProcFile.TryOpenTask(_pid, tid, "schedstat"u8, out ProcFile? file) == ProcReadStatus.Ok)
            {
                Insert(tid, file!);
            }
        }

        _refreshRequested = false;
        return ProcReadStatus.Ok;
    }

    private void Retire(int index)
    {
        _retiredNs += _lastNs[index];
        _lastNs[index] = 0;
        _files[index]?.Dispose();
        _files[index] = null;
    }

    private void Compact()
    {
        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            if (_files[i] is null)
            {
                continue;
            }

            _tids[kept] = _tids[i];
            _files[kept] = _files[i];
            _lastNs[kept] = _lastNs[i];
            kept++;
        }

        Array.Clear(_files, kept, _count - kept);
        _count = kept;
    }

    // Keeps _tids sorted so refreshes can binary-search it.
    private void Insert(int tid, ProcFile file)
    {
        if (_count == _tids.Length)
        {
            int capacity = Math.Min(_tids.Length * 2, _maxTasks);
            Array.Resize(ref _tids, capacity);
            Array.Resize(ref _files, capacity);
            Array.Resize(ref _lastNs, capacity);
        }

        int position = ~_tids.AsSpan(0, _count).BinarySearch(tid);
        Array.Copy(_tids, position, _tids, position + 1, _count - position);
        Array.Copy(_files, position, _files, position + 1, _count - position);
        Array.Copy(_lastNs, position, _lastNs, position + 1, _count - position);
        _tids[position] = tid;
        _files[position] = file;
        _lastNs[position] = 0;
        _count++;
    }

    public void Dispose()
    {
        for (int i = 0; i < _count; i++)
        {
            _files[i]?.Dispose();
        }

        _count = 0;
        _taskDirectory.Dispose();
    }
}
