namespace Tracekit.Procfs;

/// <summary>
/// Walks /proc: lists PIDs (getdents64 on a kept fd) and finds children by reading every process's ppid. This is
/// the fallback for kernels without /proc/PID/task/TID/children and the tool for --all/--match discovery; it costs
/// one open/read/close of /proc/PID/stat per process (~10 µs each), so run it at a low rate. Listing PIDs does not
/// allocate once the buffer is sized; the child scan allocates one small handle object per process it opens.
/// </summary>
public sealed class ProcessTableScanner : IDisposable
{
    private readonly ProcDirectory _proc;
    private readonly byte[] _statBuffer = new byte[1024];
    private int[] _pids = new int[1024];

    private ProcessTableScanner(ProcDirectory proc)
    {
        _proc = proc;
    }

    public static ProcReadStatus TryOpen(out ProcessTableScanner? scanner, string procRoot = "/proc")
    {
        ProcReadStatus status = ProcDirectory.TryOpen(procRoot, out ProcDirectory? proc);
        scanner = proc is null ? null : new ProcessTableScanner(proc);
        return status;
    }

    /// <summary>All PIDs in /proc now; the span is valid until the next call.</summary>
    public ProcReadStatus TryListPids(out ReadOnlySpan<int> pids)
    {
        pids = default;
        ProcReadStatus status = _proc.TryListNumericEntries(_pids, out int count);
        while (status == ProcReadStatus.Ok && count > _pids.Length)
        {
            _pids = new int[count * 2];
            status = _proc.TryListNumericEntries(_pids, out count);
        }

        if (status == ProcReadStatus.Ok)
        {
            pids = _pids.AsSpan(0, count);
        }

        return status;
    }

    /// <summary>
    /// Every process whose parent is in <paramref name="parentPids"/>: child PIDs go to <paramref name="childPids"/>
    /// and their parents to <paramref name="parentOfChild"/> at the same index. Processes that vanish or deny access
    /// during the scan are skipped. Returns the number found (may exceed the spans; extra not stored).
    /// </summary>
    public int FindChildren(ReadOnlySpan<int> parentPids, Span<int> childPids, Span<int> parentOfChild)
    {
        if (TryListPids(out ReadOnlySpan<int> pids) != ProcReadStatus.Ok)
        {
            return 0;
        }

        int found = 0;
        foreach (int pid in pids)
        {
            if (ProcFile.TryOpenPid(pid, "stat"u8, out ProcFile? stat) != ProcReadStatus.Ok)
            {
                continue;
            }

            using (stat)
            {
                if (stat!.TryRead(_statBuffer, out int length) != ProcReadStatus.Ok ||
                    !PidStatParser.TryParse(_statBuffer.AsSpan(0, length), out PidStat parsed) ||
                    !parentPids.Contains(parsed.ParentPid))
                {
                    continue;
                }

                if (found < childPids.Length && found < parentOfChild.Length)
                {
                    childPids[found] = pid;
                    parentOfChild[found] = parsed.ParentPid;
                }

                found++;
            }
        }

        return found;
    }

    public void Dispose() => _proc.Dispose();
}
