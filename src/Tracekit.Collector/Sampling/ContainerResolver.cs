using Tracekit.Procfs;

namespace Tracekit.Collector.Sampling;

/// <summary>
/// Finds a container's cgroup without a container engine: container runtimes name the cgroup after the container's
/// id (docker-&lt;id&gt;.scope, /docker/&lt;id&gt;, libpod-&lt;id&gt;, kubepods/…/&lt;id&gt;), so the container is the cgroup
/// directory whose name contains the id. A name is turned into the id first, from Docker's files on disk
/// (DockerMetadata); a value that names no container is searched for in the cgroup names as given.
/// </summary>
public static class ContainerResolver
{
    private const int MaxDepth = 8;

    /// <summary>Returns the cgroup path (relative to the hierarchy root) of the container.</summary>
    public static string Resolve(string nameOrId, CgroupMounts mounts)
    {
        if (string.IsNullOrWhiteSpace(nameOrId)) throw new ArgumentException("--container needs a name or id");
        var roots = new List<string>();
        if (mounts.Unified is { } u) roots.Add(u.MountPoint);
        if (mounts.FindV1("cpuacct") is { } c) roots.Add(c.MountPoint);

        string dockerRoot = DockerMetadata.Root;
        string? id = DockerMetadata.FindIdByName(dockerRoot, nameOrId, out string metadataProblem);
        string needle = id ?? nameOrId;
        var matches = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var root in roots)
            Walk(root, root, 0, needle, matches);

        string cgroupRoots = roots.Count == 0 ? "(no cgroup v2 or v1 cpuacct mount)" : string.Join(", ", roots);
        if (matches.Count == 0 && id is not null)
            throw new ArgumentException($"--container '{nameOrId}': Docker's metadata ({DockerMetadata.ContainersDirectory(dockerRoot)}) gives it the id {id}, but no cgroup whose name contains that id was found under {cgroupRoots}; is the container running?");
        if (matches.Count == 0)
            throw new ArgumentException($"--container '{nameOrId}': no container of that name in Docker's metadata ({DockerMetadata.ContainersDirectory(dockerRoot)}{(metadataProblem.Length > 0 ? ": " + metadataProblem : "")}; set {DockerMetadata.RootVariable} if Docker's data root is elsewhere), and no cgroup whose name contains it under {cgroupRoots}");
        // The outermost match is the container; nested ones (its own sub-cgroups) are inside it.
        var outermost = matches.Where(m => !matches.Any(o => o != m && m.StartsWith(o + "/", StringComparison.Ordinal))).ToList();
        if (outermost.Count > 1)
            throw new ArgumentException($"--container '{nameOrId}' names more than one cgroup: {string.Join(", ", outermost)}; give more of the id");
        return outermost[0];
    }

    private static void Walk(string root, string directory, int depth, string needle, SortedSet<string> matches)
    {
        if (depth > MaxDepth) return;
        IEnumerable<string> children;
        try { children = Directory.EnumerateDirectories(directory); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (var child in children)
        {
            if (Path.GetFileName(child).Contains(needle, StringComparison.OrdinalIgnoreCase))
                matches.Add("/" + Path.GetRelativePath(root, child));
            else
                Walk(root, child, depth + 1, needle, matches);
        }
    }
}
