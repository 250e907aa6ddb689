using Tracekit.Collector.Recording;
using Tracekit.Format;
using Tracekit.Procfs;

namespace Tracekit.Collector.Sampling;

/// <summary>
/// The set of sampled processes. Each tick it reads every process's CPU clock, then asks the exit watcher once
/// which processes exited: a value is written only for a process that had not exited after it was read, so a
/// reused PID can never lend its CPU time to the process that held the PID before.
/// </summary>
public sealed class ProcessTracker : IDisposable
{
    private static readonly ulong PageSizeKb = (ulong)Environment.SystemPageSize / 1024;

    private readonly Dictionary<int, TrackedProcess> _byPid = new();
    private readonly List<TrackedProcess?> _slots = new();
    private readonly Stack<int> _freeSlots = new();
    private readonly ProcessExitWatcher? _exitWatcher;
    private readonly ulong[] _exitedTokens = new ulong[64];
    private readonly HashSet<int> _exitsRecordedByOwner = new();
    private readonly int _statEveryTicks;
    private readonly byte[] _cmdlineBuffer = new byte[4096];
    private readonly List<(int Pid, ulong StartTicks)> _exitedSinceScan = new();

    /// <param name="statEveryTicks">Read RSS and threads every this many ticks; CPU is read every tick.</param>
    public ProcessTracker(int statEveryTicks)
    {
        _statEveryTicks = Math.Max(1, statEveryTicks);
        _exitWatcher = ProcessExitWatcher.TryCreate(out _);
    }

    public int Count => _byPid.Count;

    /// <summary>
    /// Processes skipped because their /proc files are closed to us (EACCES, EPERM: hidepid, or another user's
    /// process under a stricter kernel). A PID is looked at once while it stays listed, so this counts processes,
    /// not attempts.
    /// </summary>
    public long AccessDenied { get; private set; }

    /// <summary>Counts a process that discovery could not even identify (its /proc/PID/stat was denied).</summary>
    public void CountAccessDenied() => AccessDenied++;

    public bool IsTracked(int pid) => _byPid.ContainsKey(pid);

    public bool FollowsChildrenOf(int pid) => _byPid.TryGetValue(pid, out var p) && p.FollowChildren;

    public IEnumerable<int> TrackedPids => _byPid.Keys;

    /// <summary>
    /// Identities of tracked processes that exited since <see cref="ProcessDiscovery"/> last scanned. Discovery
    /// looks at their PIDs again: a PID freed and handed to a new child between two scans is listed in both, and
    /// would otherwise never be looked at again (the new process would go unrecorded).
    /// </summary>
    public bool HasExitsSinceScan => _exitedSinceScan.Count > 0;

    internal List<(int Pid, ulong StartTicks)> ExitedSinceScan => _exitedSinceScan;

    /// <summary>Starts sampling a process and writes its ProcessStart. Returns false when it is gone or denied.</summary>
    public bool TryAdopt(int pid, bool followChildren, ulong timestampNs, RecordSink sink)
    {
        if (_byPid.ContainsKey(pid)) return true;
        var status = ProcessCpuReader.TryOpen(pid, out var reader);
        if (status != ProcReadStatus.Ok || reader is null)
        {
            if (status == ProcReadStatus.AccessDenied) AccessDenied++;
            return false;
        }

        int slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _slots.Count;
        var tracked = new TrackedProcess(reader, slot, followChildren);
        if (slot == _slots.Count) _slots.Add(tracked); else _slots[slot] = tracked;
        _byPid[pid] = tracked;
        if (reader.Pidfd is { } pidfd) _exitWatcher?.TryAdd(pidfd, (ulong)slot);

        reader.TryReadStat(out var stat, out var comm);
        tracked.RssKb = (ulong)Math.Max(0, stat.RssPages) * PageSizeKb;
        tracked.Threads = stat.ThreadCount;
        sink.Write(new ProcessStart
        {
            TimestampNs = timestampNs,
            Pid = pid,
            StartTicks = reader.StartTimeTicks,
            Ppid = stat.ParentPid,
            Command = System.Text.Encoding.UTF8.GetString(comm),
            CommandLine = CommandLineReader.TryRead(pid, _cmdlineBuffer),
        });
        return true;
    }

    /// <summary>Stops sampling a process that left the selection; it gets no exit record since it did not exit.</summary>
    public void Release(int pid)
    {
        if (_byPid.TryGetValue(pid, out var p)) Remove(p);
    }

    /// <summary>Samples every tracked process; <paramref name="tickIndex"/> staggers the slower stat reads.</summary>
    public void Sample(ulong timestampNs, long tickIndex, RecordSink sink)
    {
        for (int i = 0; i < _slots.Count; i++)
        {
            var p = _slots[i];
            if (p is null) continue;
            // Spread the stat reads of different processes over the ticks of one refresh period.
            if ((tickIndex + i) % _statEveryTicks == 0 && p.Reader.TryReadMemoryAndThreads(out long rssPages, out int threads) == ProcReadStatus.Ok)
            {
                p.RssKb = (ulong)rssPages * PageSizeKb;
                p.Threads = threads;
            }

            var status = p.Reader.TryReadCpuTimeNsUnconfirmed(out long cpuNs);
            p.HasPending = status == ProcReadStatus.Ok;
            p.PendingCpuNs = cpuNs;
            if (status == ProcReadStatus.Vanished) WriteExitAndRemove(p, timestampNs, sink);
        }

        ConfirmAndRemoveExited(timestampNs, sink);

        long rssSumKb = 0;
        for (int i = 0; i < _slots.Count; i++)
        {
            var p = _slots[i];
            if (p is null || !p.HasPending) continue;
            rssSumKb += (long)p.RssKb;
            sink.Write(new ProcessSample
            {
                TimestampNs = timestampNs,
                Pid = p.Pid,
                StartTicks = p.StartTicks,
                CpuTimeNs = (ulong)p.PendingCpuNs,
                CpuSource = ToRecordSource(p.Reader.Source),
                RssKb = p.RssKb,
                Threads = p.Threads,
            });
            p.HasPending = false;
        }
        LastRssSumKb = rssSumKb;
    }

    /// <summary>The RSS of every process sampled on the last tick, summed (a job's tree: its memory at that tick).</summary>
    public long LastRssSumKb { get; private set; }

    private void ConfirmAndRemoveExited(ulong timestampNs, RecordSink sink)
    {
        if (_exitWatcher is null) return;
        int n;
        do
        {
            n = _exitWatcher.PollExited(_exitedTokens);
            for (int i = 0; i < n; i++)
            {
                int slot = (int)_exitedTokens[i];
                if (slot < _slots.Count && _slots[slot] is { } p) WriteExitAndRemove(p, timestampNs, sink);
            }
        }
        while (n == _exitedTokens.Length);
    }

    /// <summary>
    /// The exit of this process is written by its owner (`tracekit run` knows its exit status and rusage), so the
    /// tracker must not write a second, status-less exit record for it.
    /// </summary>
    public void ExitRecordedByOwner(int pid) => _exitsRecordedByOwner.Add(pid);

    private void WriteExitAndRemove(TrackedProcess p, ulong timestampNs, RecordSink sink)
    {
        if (!_exitsRecordedByOwner.Remove(p.Pid))
            sink.Write(new ProcessExit { TimestampNs = timestampNs, Pid = p.Pid, StartTicks = p.StartTicks });
        _exitedSinceScan.Add((p.Pid, p.StartTicks));
        Remove(p);
    }

    private void Remove(TrackedProcess p)
    {
        if (p.Reader.Pidfd is { } pidfd) _exitWatcher?.TryRemove(pidfd);
        p.Reader.Dispose();
        _byPid.Remove(p.Pid);
        _slots[p.Slot] = null;
        _freeSlots.Push(p.Slot);
    }

    private static CpuSource ToRecordSource(CpuTimeSource source) => source switch
    {
        CpuTimeSource.ProcessCpuClock => CpuSource.ProcessClock,
        CpuTimeSource.TaskSchedstatSum => CpuSource.Schedstat,
        _ => CpuSource.StatTicks,
    };

    public void Dispose()
    {
        foreach (var p in _byPid.Values) p.Reader.Dispose();
        _byPid.Clear();
        _exitWatcher?.Dispose();
    }
}
