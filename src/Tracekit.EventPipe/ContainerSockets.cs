using System.Globalization;
using Tracekit.Procfs;

namespace Tracekit.EventPipe;

/// <summary>
/// The diagnostics sockets of .NET processes in containers. Such a runtime makes its socket in its own /tmp, which
/// the host reaches through any of its processes' root (<c>/proc/PID/root/tmp</c>), and names it after its PID as
/// the container sees it (the last field of NSpid in /proc/PID/status), not the host's. So: the processes whose mount
/// namespace is not ours are grouped by namespace, with a map from their namespace PID to their host PID; each
/// namespace's /tmp is listed on every scan, and a socket counts when its PID maps to a host process whose start time
/// is the socket's key (the runtime reads it from /proc/self/stat, the same boot-relative ticks the host sees). The
/// processes are listed again only after a process was created on the host (the last PID of /proc/loadavg moved).
/// Not thread-safe: the discovery thread owns it.
/// </summary>
internal sealed class ContainerSockets : IDisposable
{
    private readonly string _procRoot;
    private readonly string? _ownMountNamespace;
    private readonly ForkSentinel? _forks;
    private readonly Dictionary<string, Namespace> _namespaces = new(StringComparer.Ordinal);

    private sealed class Namespace
    {
        public int RootPid;
        public readonly Dictionary<int, (int HostPid, ulong StartTicks)> ByNamespacePid = new();
    }

    public ContainerSockets(string procRoot = "/proc")
    {
        _procRoot = procRoot;
        _ownMountNamespace = ReadLink($"{procRoot}/self/ns/mnt");
        try { _forks = ForkSentinel.Open(procRoot); }
        catch (IOException) { _forks = null; }
    }

    /// <summary>Adds the host PID and key of every live .NET process in another mount namespace that has a socket.</summary>
    public void AddTo(HashSet<int> published, Dictionary<int, ulong> keys)
    {
        if (_ownMountNamespace is null) return; // no namespaces to tell apart (or /proc/self/ns unreadable)
        if (_forks is null || _forks.CheckForkedSinceLastCall()) ListProcesses();
        foreach (var ns in _namespaces.Values)
        {
            IEnumerable<string> sockets;
            try { sockets = Directory.EnumerateFiles($"{_procRoot}/{ns.RootPid}/root/tmp", "dotnet-diagnostic-*-socket"); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            try
            {
                foreach (string path in sockets)
                {
                    if (!DiagnosticSockets.TryParse(Path.GetFileName(path), out int nsPid, out ulong key)) continue;
                    if (!ns.ByNamespacePid.TryGetValue(nsPid, out var host) || host.StartTicks != key || published.Contains(host.HostPid)) continue;
                    published.Add(host.HostPid);
                    keys[host.HostPid] = key;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    private void ListProcesses()
    {
        _namespaces.Clear();
        IEnumerable<string> entries;
        try { entries = Directory.EnumerateDirectories(_procRoot); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (string dir in entries)
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            string? mnt = ReadLink($"{dir}/ns/mnt");
            if (mnt is null || mnt == _ownMountNamespace) continue;
            if (NamespacePid(pid) is not { } nsPid || ProcessIdentity.StartTicks(pid, _procRoot) is not { } ticks) continue;
            if (!_namespaces.TryGetValue(mnt, out var ns)) _namespaces[mnt] = ns = new Namespace { RootPid = pid };
            ns.ByNamespacePid[nsPid] = (pid, ticks);
        }
    }

    /// <summary>The innermost PID of NSpid ("NSpid:\t4711\t1"): the PID the process has in its own namespace.</summary>
    private int? NamespacePid(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"{_procRoot}/{pid}/status"))
            {
                if (!line.StartsWith("NSpid:", StringComparison.Ordinal)) continue;
                var fields = line["NSpid:".Length..].Split('\t', StringSplitOptions.RemoveEmptyEntries);
                return fields.Length > 0 && int.TryParse(fields[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int nsPid) ? nsPid : null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }

    private static string? ReadLink(string path)
    {
        try { return new FileInfo(path).LinkTarget; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    public void Dispose() => _forks?.Dispose();
}
