using Tracekit.Procfs;

namespace Tracekit.Collector.Sampling;

/// <summary>
/// Finds a container's cgroup without a container engine: container runtimes name the cgroup after the container's
/// id (docker-&lt;id&gt;.scope, /docker/&lt;id&gt;, libpod-&lt;id&gt;, kubepods/…/&lt;id&gt;), so the container is the cgroup
/// directory whose name contains the id. A name is turned into the id first, from Docker's and Podman's files on
/// disk (DockerMetadata, PodmanMetadata); a value that names no container is searched for in the cgroup names as given.
/// </summary>
public static class ContainerResolver
{
    private const int MaxDepth = 8;

    /// <summary>Returns the cgroup path (relative to the hierarchy root) of a running container; throws when there is none.</summary>
    public static string Resolve(string nameOrId, CgroupMounts mounts)
    {
        var identity = Identify(nameOrId, mounts, out string? cgroup);
        return cgroup ?? throw new ArgumentException($"--container '{nameOrId}': {identity.Engine}'s metadata gives it the id {identity.Id}, but no cgroup whose name contains that id was found under {CgroupRoots(mounts)}; is the container running?");
    }

    /// <summary>
    /// What the value names: a container an engine knows by that name (running or not: <paramref name="cgroup"/> is
    /// null while it does not run), or else the running container whose cgroup name contains the value. Throws
    /// ArgumentException when it names neither, or more than one cgroup.
    /// </summary>
    public static ContainerIdentity Identify(string nameOrId, CgroupMounts mounts, out string? cgroup)
    {
        if (string.IsNullOrWhiteSpace(nameOrId)) throw new ArgumentException("--container needs a name or id");
        string dockerRoot = DockerMetadata.Root;
        var identity = FindByName(nameOrId, out string metadataProblem);
        cgroup = FindCgroup(nameOrId, identity?.Id ?? nameOrId, mounts);
        if (identity is not null) return identity;
        if (cgroup is null)
            throw new ArgumentException($"--container '{nameOrId}': no container of that name in Docker's metadata ({DockerMetadata.ContainersDirectory(dockerRoot)}{(metadataProblem.Length > 0 ? ": " + metadataProblem : "")}; set {DockerMetadata.RootVariable} if Docker's data root is elsewhere) or Podman's ({PodmanMetadata.ContainersFile(PodmanMetadata.Root)}; set {PodmanMetadata.RootVariable}), and no cgroup whose name contains it under {CgroupRoots(mounts)}");
        return new ContainerIdentity(IdOf(cgroup, nameOrId), nameOrId, null, "cgroup");
    }

    /// <summary>The container an engine knows by this name, Docker's first; null when none does.</summary>
    public static ContainerIdentity? FindByName(string name, out string dockerProblem) =>
        DockerMetadata.FindByName(DockerMetadata.Root, name, out dockerProblem) ?? PodmanMetadata.FindByName(PodmanMetadata.Root, name);

    /// <summary>The outermost cgroup whose name contains <paramref name="needle"/>, or null; throws when there are several.</summary>
    public static string? FindCgroup(string given, string needle, CgroupMounts mounts)
    {
        var matches = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var root in Roots(mounts))
            Walk(root, root, 0, needle, matches);
        if (matches.Count == 0) return null;
        // The outermost match is the container; nested ones (its own sub-cgroups) are inside it.
        var outermost = matches.Where(m => !matches.Any(o => o != m && m.StartsWith(o + "/", StringComparison.Ordinal))).ToList();
        if (outermost.Count > 1)
            throw new ArgumentException($"--container '{given}' names more than one cgroup: {string.Join(", ", outermost)}; give more of the id");
        return outermost[0];
    }

    /// <summary>The container id in a cgroup's name (docker-&lt;id&gt;.scope, libpod-&lt;id&gt;, &lt;id&gt;): the hex run that holds the value.</summary>
    private static string IdOf(string cgroup, string given)
    {
        string name = Path.GetFileName(cgroup);
        foreach (var part in name.Split(['-', '.', '_', ':']))
            if (part.Contains(given, StringComparison.OrdinalIgnoreCase) && DockerMetadata.IsHexId(part)) return part;
        return given;
    }

    private static List<string> Roots(CgroupMounts mounts)
    {
        var roots = new List<string>();
        if (mounts.Unified is { } u) roots.Add(u.MountPoint);
        if (mounts.FindV1("cpuacct") is { } c) roots.Add(c.MountPoint);
        return roots;
    }

    private static string CgroupRoots(CgroupMounts mounts)
    {
        var roots = Roots(mounts);
        return roots.Count == 0 ? "(no cgroup v2 or v1 cpuacct mount)" : string.Join(", ", roots);
    }

    private static void Walk(string root, string directory, int depth, string needle, SortedSet<string> matches)
    {
        if (depth > MaxDepth) return;
        IEnumerable<string> children;
        try { children = Directory.EnumerateDirectories(directory); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        try
        {
            foreach (var child in children)
            {
                if (Path.GetFileName(child).Contains(needle, StringComparison.OrdinalIgnoreCase))
                    matches.Add("/" + Path.GetRelativePath(root, child));
                else
                    Walk(root, child, depth + 1, needle, matches);
            }
        }
        // A cgroup removed while it is listed (a container stopping) is not an error.
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
