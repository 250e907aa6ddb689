using System.Text;
using System.Text.RegularExpressions;
using Tracekit.Collector.Sampling;
using Tracekit.Procfs;

namespace Tracekit.Collector.Dotnet;

/// <summary>
/// `--dotnet all`: whether a .NET process is one the collector's other target options select (--pid and its
/// descendants, --pid-dir and the run's job folder, --match, --cgroup, --container, --all). Judged from /proc on the
/// discovery thread, independently of the sampler's own tables (which belong to the tick thread), once per new
/// .NET process: not a hot path.
/// </summary>
internal sealed class DotnetTargetFilter
{
    private const int MaxAncestors = 64;

    private readonly IReadOnlyList<int> _pids;
    private readonly IReadOnlyList<string> _pidDirectories;
    private readonly Regex? _match;
    private readonly IReadOnlyList<string> _cgroups;
    private readonly IReadOnlyList<ContainerIdentity> _containers;
    private readonly byte[] _buffer = new byte[4096];

    private DotnetTargetFilter(IReadOnlyList<int> pids, IReadOnlyList<string> pidDirectories, Regex? match, IReadOnlyList<string> cgroups, IReadOnlyList<ContainerIdentity> containers)
    {
        _pids = pids;
        _pidDirectories = pidDirectories;
        _match = match;
        _cgroups = cgroups;
        _containers = containers;
    }

    /// <summary>Null when every .NET process is followed: --all, or no target option besides the run's job folder.</summary>
    public static Func<int, bool>? Create(CollectSettings settings, string runPidsDirectory)
    {
        if (settings.All) return null;
        bool anyTarget = settings.Pids.Count > 0 || settings.PidDirectory is not null || settings.MatchPattern is not null
            || settings.Cgroups.Count > 0 || settings.Containers.Count > 0;
        if (!anyTarget) return null;
        var dirs = new List<string> { runPidsDirectory };
        if (settings.PidDirectory is { } d) dirs.Add(d);
        var filter = new DotnetTargetFilter(settings.Pids, dirs,
            settings.MatchPattern is null ? null : new Regex(settings.MatchPattern, RegexOptions.CultureInvariant),
            ResolveCgroups(settings), IdentifyContainers(settings));
        return filter.Selects;
    }

    public bool Selects(int pid)
    {
        if (_match is not null && Matches(pid)) return true;
        if ((_cgroups.Count > 0 || _containers.Count > 0) && InCgroup(pid)) return true;
        // --pid, --pid-dir and jobs follow children: the process or one of its ancestors is selected.
        int current = pid;
        for (int depth = 0; depth < MaxAncestors && current > 1; depth++)
        {
            if (_pids.Contains(current)) return true;
            foreach (var dir in _pidDirectories)
            {
                if (File.Exists(Path.Combine(dir, current.ToString(System.Globalization.CultureInfo.InvariantCulture)))) return true;
            }
            if (!TryParent(current, out current)) return false;
        }
        return false;
    }

    private bool TryParent(int pid, out int parent)
    {
        parent = 0;
        if (ProcFile.TryOpenPid(pid, "stat"u8, out var file) != ProcReadStatus.Ok || file is null) return false;
        using (file)
        {
            if (file.TryRead(_buffer, out int length) != ProcReadStatus.Ok) return false;
            if (!PidStatParser.TryParse(_buffer.AsSpan(0, length), out var stat)) return false;
            parent = stat.ParentPid;
            return true;
        }
    }

    private bool Matches(int pid)
    {
        try
        {
            var comm = File.ReadAllText($"/proc/{pid}/comm", Encoding.UTF8).TrimEnd('\n');
            if (_match!.IsMatch(comm)) return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        return CommandLineReader.TryRead(pid, _buffer) is { } commandLine && _match.IsMatch(commandLine);
    }

    /// <summary>/proc/PID/cgroup lines are <c>id:controllers:/path</c>; the process is in a selected cgroup or below it.</summary>
    private bool InCgroup(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/cgroup"))
            {
                int colon = line.IndexOf(':', line.IndexOf(':') + 1);
                if (colon < 0) continue;
                var path = line[(colon + 1)..];
                foreach (var cg in _cgroups)
                {
                    if (path == cg || path.StartsWith(cg + "/", StringComparison.Ordinal)) return true;
                }
                if (InContainer(path)) return true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return false;
    }

    /// <summary>
    /// A container's cgroup is named after its id, in every hierarchy and across restarts (a container started
    /// again gets a new cgroup under the same name), so the id in the path is what places a process in it.
    /// </summary>
    private bool InContainer(string path)
    {
        foreach (var container in _containers)
        {
            if (container.Id.Length > 0 && path.Contains(container.Id, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    private static List<ContainerIdentity> IdentifyContainers(CollectSettings settings)
    {
        if (settings.Containers.Count == 0) return [];
        var mounts = CgroupMounts.Discover();
        return settings.Containers.Select(c => ContainerResolver.Identify(c, mounts, out _)).ToList();
    }

    /// <summary>The selected cgroups as paths relative to their hierarchy root, the form /proc/PID/cgroup uses.</summary>
    private static List<string> ResolveCgroups(CollectSettings settings)
    {
        var result = new List<string>();
        if (settings.Cgroups.Count == 0) return result;
        var mounts = CgroupMounts.Discover();
        foreach (var path in settings.Cgroups)
        {
            string relative = path;
            foreach (var m in mounts.Mounts)
            {
                if (path.StartsWith(m.MountPoint + "/", StringComparison.Ordinal) || path == m.MountPoint)
                    relative = "/" + path[m.MountPoint.Length..].TrimStart('/');
            }
            result.Add(relative.Length > 1 ? relative.TrimEnd('/') : relative);
        }
        return result;
    }
}
