using Tracekit.Procfs;

namespace Tracekit.Collector.Sampling;

/// <summary>
/// Finds a container's cgroup without a container engine: container runtimes name the cgroup after the container
/// (docker-&lt;id&gt;.scope, /docker/&lt;id&gt;, libpod-&lt;id&gt;, kubepods/…/&lt;id&gt;), so the container is the cgroup
/// directory whose name contains the NAME or ID the user gave.
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

        var matches = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var root in roots)
            Walk(root, root, 0, nameOrId, matches);

        if (matches.Count == 0)
            throw new ArgumentException($"--container '{nameOrId}': no cgroup whose name contains it was found under {string.Join(", ", roots)}");
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
