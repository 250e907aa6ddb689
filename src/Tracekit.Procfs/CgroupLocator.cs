using System.Text;

namespace Tracekit.Procfs;

/// <summary>
/// Finds and opens the cgroup of a process or a named cgroup path, on v1, v2 or hybrid hosts. On a hybrid host the
/// v1 cpuacct and memory hierarchies are preferred because they hold the controllers; v2's cpu.stat is used when
/// there is no v1 cpuacct mount.
/// </summary>
public static class CgroupLocator
{
    /// <summary>Opens the cgroup(s) <paramref name="pid"/> belongs to, read from /proc/PID/cgroup (runs once per target).</summary>
    public static ProcReadStatus TryOpenForProcess(int pid, CgroupMounts mounts, out CgroupStatsReader? reader)
    {
        reader = null;
        ProcReadStatus status = ProcFile.TryOpenPid(pid, "cgroup"u8, out ProcFile? file);
        if (file is null)
        {
            return status;
        }

        byte[] buffer = new byte[4096];
        using (file)
        {
            status = file.TryReadGrowing(ref buffer, out int length);
            if (status != ProcReadStatus.Ok)
            {
                return status;
            }

            ReadOnlySpan<byte> content = buffer.AsSpan(0, length);
            CgroupMount? cpuacct = mounts.FindV1("cpuacct");
            if (cpuacct is not null && CgroupMembershipParser.TryFindControllerPath(content, "cpuacct"u8, out ReadOnlySpan<byte> cpuPath))
            {
                CgroupMount? memoryMount = mounts.FindV1("memory");
                string? memoryDirectory = memoryMount is not null &&
                    CgroupMembershipParser.TryFindControllerPath(content, "memory"u8, out ReadOnlySpan<byte> memoryPath)
                    ? CgroupMounts.Resolve(memoryMount, Encoding.UTF8.GetString(memoryPath))
                    : null;
                reader = CgroupStatsReader.OpenV1(CgroupMounts.Resolve(cpuacct, Encoding.UTF8.GetString(cpuPath)), memoryDirectory);
                return ProcReadStatus.Ok;
            }

            CgroupMount? unified = mounts.Unified;
            if (unified is not null && CgroupMembershipParser.TryFindUnifiedPath(content, out ReadOnlySpan<byte> unifiedPath))
            {
                reader = CgroupStatsReader.OpenV2(CgroupMounts.Resolve(unified, Encoding.UTF8.GetString(unifiedPath)));
                return ProcReadStatus.Ok;
            }

            return ProcReadStatus.Vanished;
        }
    }

    /// <summary>
    /// Opens a cgroup given as a path such as "/system.slice/x.service" (as in /proc/PID/cgroup) or as a directory
    /// under a cgroup mount ("/sys/fs/cgroup/cpuacct/job1"). Vanished when no mounted hierarchy has it.
    /// </summary>
    public static ProcReadStatus TryOpenForPath(string cgroupPath, CgroupMounts mounts, out CgroupStatsReader? reader)
    {
        reader = null;
        foreach (CgroupMount mount in mounts.Mounts)
        {
            string prefix = mount.MountPoint.TrimEnd('/') + "/";
            if (cgroupPath.StartsWith(prefix, StringComparison.Ordinal) || cgroupPath == mount.MountPoint)
            {
                string relative = "/" + cgroupPath[Math.Min(prefix.Length, cgroupPath.Length)..];
                return TryOpenRelative(relative, mounts, out reader);
            }
        }

        return TryOpenRelative(cgroupPath, mounts, out reader);
    }

    private static ProcReadStatus TryOpenRelative(string cgroupPath, CgroupMounts mounts, out CgroupStatsReader? reader)
    {
        reader = null;
        CgroupMount? cpuacct = mounts.FindV1("cpuacct");
        if (cpuacct is not null && Directory.Exists(CgroupMounts.Resolve(cpuacct, cgroupPath)))
        {
            CgroupMount? memory = mounts.FindV1("memory");
            string? memoryDirectory = memory is null ? null : CgroupMounts.Resolve(memory, cgroupPath);
            reader = CgroupStatsReader.OpenV1(
                CgroupMounts.Resolve(cpuacct, cgroupPath),
                memoryDirectory is not null && Directory.Exists(memoryDirectory) ? memoryDirectory : null);
            return ProcReadStatus.Ok;
        }

        CgroupMount? unified = mounts.Unified;
        if (unified is not null && Directory.Exists(CgroupMounts.Resolve(unified, cgroupPath)))
        {
            reader = CgroupStatsReader.OpenV2(CgroupMounts.Resolve(unified, cgroupPath));
            return ProcReadStatus.Ok;
        }

        return ProcReadStatus.Vanished;
    }
}
