using Tracekit.Procfs;

namespace Tracekit.Collector.Jobs;

/// <summary>
/// A fresh cgroup for one job, so that CPU and memory of every descendant, short-lived ones included, are charged
/// to it and read back exactly. On a hybrid host (v1 controllers plus a v2 `unified` mount) the job goes into v1
/// cpuacct and memory, where the kernel charges CPU and memory; on a pure v2 host into one v2 group.
/// </summary>
public sealed class JobCgroup : IDisposable
{
    private readonly List<string> _directories;

    private JobCgroup(string relativePath, List<string> directories, CgroupStatsReader stats)
    {
        RelativePath = relativePath;
        _directories = directories;
        Stats = stats;
    }

    /// <summary>The path under each hierarchy's root, e.g. /tracekit/run-1.job-4711.</summary>
    public string RelativePath { get; }
    public CgroupStatsReader Stats { get; }
    public IReadOnlyList<string> Directories => _directories;

    /// <summary>The CFS period a CPU limit is expressed in: the kernel's default, 100 ms.</summary>
    public const long CfsPeriodUs = 100_000;

    /// <summary>
    /// Creates the cgroup, with a CFS quota of <paramref name="cpuLimitCores"/> cores when given, or returns null with
    /// a reason when this host does not let us (not root, read-only, no cpu controller for a limit).
    /// </summary>
    public static JobCgroup? TryCreate(string name, double? cpuLimitCores, out string? reason)
    {
        var mounts = CgroupMounts.Discover();
        string relative = "/tracekit/" + name;
        var cpuacct = mounts.FindV1("cpuacct");
        var memory = mounts.FindV1("memory");
        var created = new List<string>();
        try
        {
            if (cpuacct is not null)
            {
                string cpuDir = CgroupMounts.Resolve(cpuacct, relative);
                Directory.CreateDirectory(cpuDir);
                created.Add(cpuDir);
                string? memDir = null;
                if (memory is not null)
                {
                    memDir = CgroupMounts.Resolve(memory, relative);
                    Directory.CreateDirectory(memDir);
                    created.Add(memDir);
                }
                if (cpuLimitCores is { } cores) LimitV1(mounts, relative, cpuDir, cores, created);
                reason = null;
                return new JobCgroup(relative, created, CgroupStatsReader.OpenV1(cpuDir, memDir));
            }
            if (mounts.Unified is { } unified)
            {
                string dir = CgroupMounts.Resolve(unified, relative);
                Directory.CreateDirectory(dir);
                created.Add(dir);
                if (cpuLimitCores is { } cores) LimitV2(dir, cores);
                reason = null;
                return new JobCgroup(relative, created, CgroupStatsReader.OpenV2(dir));
            }
            reason = "no cgroup hierarchy with cpu accounting is mounted";
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            foreach (var dir in Enumerable.Reverse(created)) TryRemove(dir);
            reason = e.Message;
            return null;
        }
    }

    /// <summary>The quota of <paramref name="cores"/> cores per <see cref="CfsPeriodUs"/>, at least the kernel's minimum of 1 ms.</summary>
    public static long QuotaUs(double cores) => Math.Max(1000, (long)Math.Round(cores * CfsPeriodUs));

    /// <summary>v1: the cpu controller's own directory (the same one when cpu and cpuacct are mounted together).</summary>
    private static void LimitV1(CgroupMounts mounts, string relative, string cpuacctDir, double cores, List<string> created)
    {
        var cpu = mounts.FindV1("cpu") ?? throw new IOException("no cgroup v1 cpu controller is mounted, so the CPU limit cannot be set");
        string dir = CgroupMounts.Resolve(cpu, relative);
        if (dir != cpuacctDir)
        {
            Directory.CreateDirectory(dir);
            created.Add(dir);
        }
        File.WriteAllText(Path.Join(dir, "cpu.cfs_period_us"), CfsPeriodUs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Join(dir, "cpu.cfs_quota_us"), QuotaUs(cores).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>v2: cpu.max, once the parent lets its children use the cpu controller.</summary>
    private static void LimitV2(string dir, double cores)
    {
        string parent = Path.GetDirectoryName(dir)!;
        File.WriteAllText(Path.Join(parent, "cgroup.subtree_control"), "+cpu");
        File.WriteAllText(Path.Join(dir, "cpu.max"), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{QuotaUs(cores)} {CfsPeriodUs}"));
    }

    /// <summary>Moves a process (still stopped, before it runs the job) into every hierarchy of this group.</summary>
    public void Attach(int pid)
    {
        foreach (var dir in _directories)
            File.WriteAllText(Path.Join(dir, "cgroup.procs"), pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Removes the group; a group that still holds processes (a daemonized descendant) is left in place.</summary>
    public void Dispose()
    {
        Stats.Dispose();
        foreach (var dir in Enumerable.Reverse(_directories)) TryRemove(dir);
    }

    private static void TryRemove(string dir)
    {
        try { Directory.Delete(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
