namespace Tracekit.Procfs;

/// <summary>
/// Finds the children of one tracked process through /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN, present
/// on the reference kernel). A child is listed under the THREAD that forked it, so a multi-threaded parent needs
/// every thread's file; the main thread's file is kept open because single-threaded parents (shells, make, most
/// job launchers) are the common case. The file is a hint, not a snapshot: the kernel does not freeze the task
/// list, so a child forked during the read can be missed; callers re-read each tick. After the process is reaped
/// the kept file reads as empty (no error), so exit is detected elsewhere (pidfd, stat).
/// Where the file is missing, use <see cref="ProcessTableScanner"/> (a ppid scan of /proc).
/// </summary>
public sealed class ChildFinder : IDisposable
{
    private static readonly Lazy<bool> ChildrenFileSupported = new(ProbeChildrenFile);

    private readonly int _pid;
    private readonly ProcFile _mainThreadChildren;
    private readonly ProcDirectory? _tasks;
    private readonly byte[] _buffer = new byte[4096];
    private int[] _tids = new int[16];

    private ChildFinder(int pid, ProcFile mainThreadChildren, ProcDirectory? tasks)
    {
        _pid = pid;
        _mainThreadChildren = mainThreadChildren;
        _tasks = tasks;
    }

    /// <summary>Whether this kernel has /proc/PID/task/TID/children (probed once on our own main thread).</summary>
    public static bool IsChildrenFileSupported => ChildrenFileSupported.Value;

    public static ProcReadStatus TryOpen(int pid, out ChildFinder? finder)
    {
        finder = null;
        ProcReadStatus status = ProcFile.TryOpenTask(pid, pid, "children"u8, out ProcFile? children);
        if (children is null)
        {
            return status;
        }

        ProcDirectory.TryOpenTasks(pid, out ProcDirectory? tasks);
        finder = new ChildFinder(pid, children, tasks);
        return ProcReadStatus.Ok;
    }

    /// <summary>Children forked by the main thread: one pread of a kept fd (~0.5 µs when empty).</summary>
    public ProcReadStatus TryListMainThreadChildren(Span<int> childPids, out int count)
    {
        count = 0;
        return AppendChildren(_mainThreadChildren, childPids, ref count);
    }

    /// <summary>
    /// Children forked by any thread: lists /proc/PID/task, reads the main thread's kept file and opens, reads and
    /// closes every other thread's file. <paramref name="count"/> may exceed childPids.Length (extra not stored).
    /// </summary>
    public ProcReadStatus TryListAllChildren(Span<int> childPids, out int count)
    {
        count = 0;
        ProcReadStatus status = AppendChildren(_mainThreadChildren, childPids, ref count);
        if (status != ProcReadStatus.Ok || _tasks is null)
        {
            return status;
        }

        status = _tasks.TryListNumericEntries(_tids, out int threads);
        if (status == ProcReadStatus.Ok && threads > _tids.Length)
        {
            _tids = new int[threads * 2];
            status = _tasks.TryListNumericEntries(_tids, out threads);
        }

        if (status != ProcReadStatus.Ok)
        {
            return status;
        }

        for (int i = 0; i < Math.Min(threads, _tids.Length); i++)
        {
            int tid = _tids[i];
            if (tid == _pid || ProcFile.TryOpenTask(_pid, tid, "children"u8, out ProcFile? file) != ProcReadStatus.Ok)
            {
                continue; // the main thread was read above; other threads may exit meanwhile.
            }

            using (file)
            {
                AppendChildren(file!, childPids, ref count);
            }
        }

        return ProcReadStatus.Ok;
    }

    private ProcReadStatus AppendChildren(ProcFile file, Span<int> childPids, ref int count)
    {
        ProcReadStatus status = file.TryRead(_buffer, out int length);
        if (status != ProcReadStatus.Ok)
        {
            return status;
        }

        return ChildrenFileParser.TryParse(_buffer.AsSpan(0, length), childPids, ref count) ? ProcReadStatus.Ok : ProcReadStatus.Malformed;
    }

    private static bool ProbeChildrenFile()
    {
        int pid = Environment.ProcessId;
        ProcFile.TryOpenTask(pid, pid, "children"u8, out ProcFile? file);
        file?.Dispose();
        return file is not null;
    }

    public void Dispose()
    {
        _mainThreadChildren.Dispose();
        _tasks?.Dispose();
    }
}

/// <summary>Parser of a children file: PIDs separated by spaces ("123 456 ").</summary>
public static class ChildrenFileParser
{
    /// <summary>Appends PIDs to <paramref name="pids"/> from index <paramref name="count"/>; count keeps rising past its length.</summary>
    public static bool TryParse(ReadOnlySpan<byte> content, Span<int> pids, ref int count)
    {
        ReadOnlySpan<byte> rest = content;
        while (AsciiScan.TryTakeToken(ref rest, out ReadOnlySpan<byte> token))
        {
            if (!AsciiScan.TryParseUInt64(token, out ulong pid) || pid == 0 || pid > int.MaxValue)
            {
                return false;
            }

            if (count < pids.Length)
            {
                pids[count] = (int)pid;
            }

            count++;
        }

        // TryTakeToken stops at '\n'; anything after a newline other than whitespace is not a children file.
        return AsciiScan.Trim(rest).IsEmpty;
    }
}
