using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Tracekit.Native;
using Tracekit.Procfs;

namespace Tracekit.EventPipe;

/// <summary>
/// The .NET processes that publish a diagnostics socket: <c>dotnet-diagnostic-{pid}-{key}-socket</c> in the
/// runtime's IPC folder (TMPDIR, else /tmp). Replaces DiagnosticsClient.GetPublishedProcesses on the discovery
/// thread's once-a-second path. That one lists the folder, matches every name with a regular expression and, for
/// the PID of a socket left behind by a killed process, throws and catches an exception: with 782 such stale
/// sockets in a 3,900-entry /tmp it cost the collector 1.7% of a core with nothing to trace. Here:
/// <list type="bullet">
/// <item>the folder is listed again only after inotify reports an entry created, deleted or moved in it (without
/// inotify, every scan);</item>
/// <item>a name is split, not matched;</item>
/// <item>the key in the name is the runtime's start time (field 22 of /proc/PID/stat, in clock ticks), so a socket
/// counts only while a process with that PID and that start time exists. A killed runtime leaves its socket behind,
/// and its PID may later belong to any other process (a `sleep`, a shell): without the key check that process
/// would be taken for a .NET one. A name whose key does not match is remembered and never checked again: a later
/// process with that PID starts later.</item>
/// </list>
/// Not thread-safe: the discovery thread owns it.
/// </summary>
public sealed class DiagnosticSockets : IDisposable
{
    private const string Prefix = "dotnet-diagnostic-";
    private const string Suffix = "-socket";
    private const int MaxRememberedStaleNames = 100_000;

    private readonly string _ipcRoot;
    private readonly string _procRoot;
    private readonly SafeFileHandle? _watch;
    private readonly byte[] _scratch = new byte[4096];
    private readonly HashSet<string> _staleNames = new(StringComparer.Ordinal);
    private readonly HashSet<int> _published = [];
    private readonly Dictionary<int, ulong> _keys = [];
    private readonly List<int> _gone = [];
    private readonly ContainerSockets? _containers;
    private bool _listed;

    /// <param name="containers">Also find .NET processes in containers (other mount namespaces): see <see cref="ContainerSockets"/>.</param>
    public DiagnosticSockets(string? ipcRoot = null, string procRoot = "/proc", bool containers = false)
    {
        _ipcRoot = ipcRoot ?? Path.GetTempPath();
        _procRoot = procRoot;
        _watch = Libc.TryWatchDirectoryEntries(Encoding.UTF8.GetBytes(_ipcRoot + "\0"), out _);
        if (containers) _containers = new ContainerSockets(procRoot);
    }

    /// <summary>False when inotify was unavailable: the folder is listed on every scan.</summary>
    public bool IsWatched => _watch is not null;

    /// <summary>Times the folder was listed (for the tests: a quiet folder is not listed again).</summary>
    public int Listings { get; private set; }

    /// <summary>The live processes with a socket now. The set is reused by the next call.</summary>
    public IReadOnlyCollection<int> Scan()
    {
        bool changed = !_listed || _watch is null || Libc.TryDrainNotifications(_watch, _scratch, out _) != 0;
        if (changed)
        {
            List();
            _containers?.AddTo(_published, _keys);
            return _published;
        }

        // Nothing was created or removed: only the known processes can have ended.
        _gone.Clear();
        foreach (int pid in _published)
        {
            if (StartTicks(pid) != _keys[pid]) _gone.Add(pid);
        }
        foreach (int pid in _gone)
        {
            _published.Remove(pid);
            _keys.Remove(pid);
        }
        // Containers' folders have no inotify watch of ours: they are listed on every scan.
        _containers?.AddTo(_published, _keys);
        return _published;
    }

    private void List()
    {
        _listed = true;
        Listings++;
        _published.Clear();
        _keys.Clear();
        if (_staleNames.Count > MaxRememberedStaleNames) _staleNames.Clear();
        foreach (string path in Directory.EnumerateFiles(_ipcRoot, Prefix + "*" + Suffix))
        {
            string name = Path.GetFileName(path);
            if (_staleNames.Contains(name) || !TryParse(name, out int pid, out ulong key) || _published.Contains(pid)) continue;
            if (StartTicks(pid) == key)
            {
                _published.Add(pid);
                _keys[pid] = key;
            }
            else
            {
                _staleNames.Add(name);
            }
        }
    }

    /// <summary>Parses <c>dotnet-diagnostic-{pid}-{key}-socket</c>, where both parts are decimal digits.</summary>
    public static bool TryParse(ReadOnlySpan<char> fileName, out int pid, out ulong key)
    {
        pid = 0;
        key = 0;
        if (!fileName.StartsWith(Prefix, StringComparison.Ordinal) || !fileName.EndsWith(Suffix, StringComparison.Ordinal)) return false;
        ReadOnlySpan<char> middle = fileName[Prefix.Length..^Suffix.Length];
        int dash = middle.IndexOf('-');
        if (dash <= 0 || dash == middle.Length - 1) return false;
        return int.TryParse(middle[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out pid) && pid > 0
            && ulong.TryParse(middle[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out key);
    }

    /// <summary>The process's start time in clock ticks; null when it is gone, a zombie, or unreadable.</summary>
    private ulong? StartTicks(int pid) => ProcessIdentity.StartTicks(pid, _procRoot);

    public void Dispose()
    {
        _watch?.Dispose();
        _containers?.Dispose();
    }
}
