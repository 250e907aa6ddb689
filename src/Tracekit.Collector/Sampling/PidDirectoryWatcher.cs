using System.Text;
using Microsoft.Win32.SafeHandles;
using Tracekit.Collector.Recording;
using Tracekit.Procfs;

namespace Tracekit.Collector.Sampling;

/// <summary>
/// A folder of files named by PID (--pid-dir, and the run's own control/pids folder that `tracekit run` writes
/// into). PIDs that appear are adopted, PIDs whose file is removed are released. The folder is listed (getdents on
/// a kept fd) only on a tick after inotify reported a change: a tick without one costs a single non-blocking read
/// instead of a listing (~10 µs on ext4). Without inotify (the user's watch limit reached) it is listed every tick.
/// </summary>
public sealed class PidDirectoryWatcher : IDisposable
{
    private readonly ProcDirectory _directory;
    private int[] _listed = new int[256];
    private readonly HashSet<int> _current = new();
    private readonly HashSet<int> _stillListed = new();
    private readonly SafeFileHandle? _changes;
    private readonly byte[] _eventScratch = new byte[4096];
    private bool _listAgain = true;

    private PidDirectoryWatcher(ProcDirectory directory, SafeFileHandle? changes)
    {
        _directory = directory;
        _changes = changes;
    }

    public static PidDirectoryWatcher Open(string path)
    {
        if (ProcDirectory.TryOpen(path, out var directory) != ProcReadStatus.Ok || directory is null)
            throw new ArgumentException($"--pid-dir '{path}' is not a readable folder");
        // The watch is set before the first listing, so a file added between the two is seen by one or the other.
        var changes = Native.Libc.TryWatchDirectoryEntries(Encoding.UTF8.GetBytes(path + "\0"), out _);
        return new PidDirectoryWatcher(directory, changes);
    }

    /// <summary>
    /// The run's own pids folder, where `tracekit run` registers its jobs: it writes their exit (with status and
    /// rusage) in its stream, so the collector writes none; two exits of one process would be counted twice.
    /// </summary>
    public bool ExitsRecordedByOwner { get; set; }

    /// <summary>False when inotify was unavailable and the folder is listed every tick.</summary>
    public bool IsNotified => _changes is not null;

    public void Poll(ProcessTracker tracker, ulong timestampNs, RecordSink sink)
    {
        if (_changes is not null)
        {
            // An error reading the events is treated as a change: a needless listing is cheap, a missed PID is not.
            if (Native.Libc.TryDrainNotifications(_changes, _eventScratch, out _) != 0) _listAgain = true;
            if (!_listAgain) return;
        }

        _listAgain = false;
        var status = _directory.TryListNumericEntries(_listed, out int count);
        if (status == ProcReadStatus.Ok && count > _listed.Length)
        {
            _listed = new int[count * 2];
            status = _directory.TryListNumericEntries(_listed, out count);
        }
        if (status != ProcReadStatus.Ok)
        {
            _listAgain = true;
            return;
        }

        _stillListed.Clear();
        for (int i = 0; i < count; i++)
        {
            int pid = _listed[i];
            _stillListed.Add(pid);
            if (_current.Add(pid) && tracker.TryAdopt(pid, followChildren: true, timestampNs, sink) && ExitsRecordedByOwner)
                tracker.ExitRecordedByOwner(pid);
        }

        if (_current.Count == _stillListed.Count) return;
        foreach (int pid in _current)
        {
            if (_stillListed.Contains(pid)) continue;
            _current.Remove(pid);
            tracker.Release(pid);
        }
    }

    public void Dispose()
    {
        _directory.Dispose();
        _changes?.Dispose();
    }
}
