using System.Text;
using System.Text.RegularExpressions;
using Tracekit.Collector.Recording;
using Tracekit.Procfs;

namespace Tracekit.Collector.Sampling;

/// <summary>
/// Finds processes to adopt: children of followed processes, and with --all or --match any new process. Only
/// PIDs not seen by an earlier scan are opened, so a scan of a quiet host is one getdents listing of /proc.
/// The caller scans when the host's fork counter moved, so a tick without forks costs nothing here.
/// </summary>
public sealed class ProcessDiscovery : IDisposable
{
    private readonly ProcessTableScanner _scanner;
    private readonly bool _adoptAll;
    private readonly Regex? _match;
    private readonly Dictionary<int, long> _seenInScan = new();
    private readonly List<(int Pid, int Ppid)> _waitingForParent = new();
    /// <summary>Tracked processes that exited, by PID, while their PID is still listed (zombie, or reused).</summary>
    private readonly Dictionary<int, ulong> _exitedStartTicks = new();
    private readonly byte[] _statBuffer = new byte[1024];
    private readonly byte[] _cmdlineBuffer = new byte[4096];
    private readonly int _selfPid = Environment.ProcessId;
    private long _scanNumber;

    public ProcessDiscovery(bool adoptAll, Regex? match)
    {
        if (ProcessTableScanner.TryOpen(out var scanner) != ProcReadStatus.Ok || scanner is null)
            throw new IOException("cannot list /proc");
        _scanner = scanner;
        _adoptAll = adoptAll;
        _match = match;
    }

    /// <summary>
    /// Whether a new process could be selected at all: with --all or --match any process could, otherwise only a
    /// child of a tracked process. False means a listing after a fork would be wasted.
    /// </summary>
    public bool CanSelect(ProcessTracker tracker) => _adoptAll || _match is not null || tracker.Count > 0;

    /// <summary>Lists /proc and adopts the new PIDs that the selection wants.</summary>
    public void Scan(ProcessTracker tracker, ulong timestampNs, RecordSink sink)
    {
        // A tracked process that exited may already have handed its PID to a new process, which a listing cannot
        // tell from the old one: such PIDs are looked at again (by start time) while they stay listed.
        foreach (var (pid, startTicks) in tracker.ExitedSinceScan) _exitedStartTicks[pid] = startTicks;
        tracker.ExitedSinceScan.Clear();
        if (_scanner.TryListPids(out var pids) != ProcReadStatus.Ok) return;
        long scan = ++_scanNumber;
        _waitingForParent.Clear();
        foreach (int pid in pids)
        {
            bool known = _seenInScan.ContainsKey(pid);
            _seenInScan[pid] = scan;
            bool exitedHere = _exitedStartTicks.TryGetValue(pid, out ulong exitedStartTicks);
            if ((known && !exitedHere) || pid == _selfPid || tracker.IsTracked(pid)) continue;
            if (!TryReadIdentity(pid, tracker, out int ppid, out ulong startTicks, out var comm, out bool isTracekit)) continue;
            if (exitedHere)
            {
                // Same start time: still the process that exited (a zombie not yet reaped), never a new one.
                if (startTicks == exitedStartTicks) continue;
                _exitedStartTicks.Remove(pid);
            }

            if (tracker.FollowsChildrenOf(ppid)) tracker.TryAdopt(pid, followChildren: true, timestampNs, sink);
            // Tracekit's own commands (`tracekit status --run-id nginx1` matches 'nginx') are never a workload.
            else if (!isTracekit && (_adoptAll || Matches(pid, comm))) tracker.TryAdopt(pid, followChildren: true, timestampNs, sink);
            else _waitingForParent.Add((pid, ppid));
        }

        // A grandchild listed before its parent (PIDs wrap) is adopted once its parent has been.
        bool adopted = true;
        while (adopted && _waitingForParent.Count > 0)
        {
            adopted = false;
            for (int i = _waitingForParent.Count - 1; i >= 0; i--)
            {
                var (pid, ppid) = _waitingForParent[i];
                if (!tracker.FollowsChildrenOf(ppid)) continue;
                tracker.TryAdopt(pid, followChildren: true, timestampNs, sink);
                _waitingForParent.RemoveAt(i);
                adopted = true;
            }
        }

        // Forget PIDs that are gone, so a reused PID is looked at again.
        foreach (var (pid, lastScan) in _seenInScan)
        {
            if (lastScan != scan) _seenInScan.Remove(pid);
        }
        foreach (var (pid, _) in _exitedStartTicks)
        {
            if (!_seenInScan.ContainsKey(pid)) _exitedStartTicks.Remove(pid);
        }
    }

    private bool TryReadIdentity(int pid, ProcessTracker tracker, out int ppid, out ulong startTicks, out string comm, out bool isTracekit)
    {
        ppid = 0;
        startTicks = 0;
        comm = "";
        isTracekit = false;
        // Under hidepid every file of another user's process is denied, stat included: such a process never
        // reaches TryAdopt, so it is counted here or the user would never learn that part of the host is missing.
        var status = ProcFile.TryOpenPid(pid, "stat"u8, out var file);
        if (status != ProcReadStatus.Ok || file is null)
        {
            if (status == ProcReadStatus.AccessDenied) tracker.CountAccessDenied();
            return false;
        }
        using (file)
        {
            status = file.TryRead(_statBuffer, out int length);
            if (status == ProcReadStatus.AccessDenied) tracker.CountAccessDenied();
            if (status != ProcReadStatus.Ok) return false;
            if (!PidStatParser.TryParse(_statBuffer.AsSpan(0, length), out var stat, out var commBytes)) return false;
            ppid = stat.ParentPid;
            startTicks = stat.StartTimeTicks;
            isTracekit = IsTracekitCommand(commBytes);
            if (_match is not null) comm = Encoding.UTF8.GetString(commBytes);
            return true;
        }
    }

    /// <summary>`tracekit` (collect, run, status, stop, load) or `tracekit-convert`, whose comm the kernel cuts to 15 bytes.</summary>
    internal static bool IsTracekitCommand(ReadOnlySpan<byte> comm) =>
        comm.SequenceEqual("tracekit"u8) || comm.SequenceEqual("tracekit-conver"u8);

    private bool Matches(int pid, string comm)
    {
        if (_match is null) return false;
        if (_match.IsMatch(comm)) return true;
        return CommandLineReader.TryRead(pid, _cmdlineBuffer) is { } commandLine && _match.IsMatch(commandLine);
    }

    public void Dispose() => _scanner.Dispose();
}
