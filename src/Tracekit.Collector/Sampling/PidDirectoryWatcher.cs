using Tracekit.Collector.Recording;
using Tracekit.Procfs;

namespace Tracekit.Collector.Sampling;

/// <summary>
/// A folder of files named by PID (--pid-dir, and the run's own control/pids folder that `tracekit run` writes
/// into). Listed with getdents on a kept fd every tick: PIDs that appear are adopted, PIDs whose file is removed
/// are released. Listing a small folder costs a few µs and allocates nothing.
/// </summary>
public sealed class PidDirectoryWatcher : IDisposable
{
    private readonly ProcDirectory _directory;
    private int[] _listed = new int[256];
    private readonly HashSet<int> _current = new();
    private readonly HashSet<int> _stillListed = new();

    private PidDirectoryWatcher(ProcDirectory directory) => _directory = directory;

    public static PidDirectoryWatcher Open(string path)
    {
        if (ProcDirectory.TryOpen(path, out var directory) != ProcReadStatus.Ok || directory is null)
            throw new ArgumentException($"--pid-dir '{path}' is not a readable folder");
        return new PidDirectoryWatcher(directory);
    }

    public void Poll(ProcessTracker tracker, ulong timestampNs, RecordSink sink)
    {
        var status = _directory.TryListNumericEntries(_listed, out int count);
        if (status == ProcReadStatus.Ok && count > _listed.Length)
        {
            _listed = new int[count * 2];
            status = _directory.TryListNumericEntries(_listed, out count);
        }
        if (status != ProcReadStatus.Ok) return;

        _stillListed.Clear();
        for (int i = 0; i < count; i++)
        {
            int pid = _listed[i];
            _stillListed.Add(pid);
            if (_current.Add(pid)) tracker.TryAdopt(pid, followChildren: true, timestampNs, sink);
        }

        if (_current.Count == _stillListed.Count) return;
        foreach (int pid in _current)
        {
            if (_stillListed.Contains(pid)) continue;
            _current.Remove(pid);
            tracker.Release(pid);
        }
    }

    public void Dispose() => _directory.Dispose();
}
