using System.Text;
using Tracekit.Native;

namespace Tracekit.Procfs;

/// <summary>A network interface and its link speed (null when the driver does not know it, e.g. virtio or lo).</summary>
public sealed record NetworkInterfaceInfo(string Name, long? SpeedMbps);

/// <summary>Static facts about the node, gathered once at start.</summary>
public sealed record NodeInfo(
    string CpuModel,
    int CpuCores,
    double? CpuMaxMhz,
    string CpuMaxMhzSource,
    long MemTotalKb,
    long ClockTicksPerSecond,
    long PageSizeInBytes,
    long BootTimeSeconds,
    IReadOnlyList<NetworkInterfaceInfo> Interfaces);

/// <summary>
/// Gathers <see cref="NodeInfo"/> (allocation is fine here: it runs once). The max frequency comes from cpufreq's
/// cpuinfo_max_freq when the kernel exposes it, otherwise from the highest "cpu MHz" of /proc/cpuinfo, which is a
/// current clock (VMs such as the reference machines have no cpufreq).
/// </summary>
public static class NodeInfoReader
{
    public static NodeInfo Read(string procRoot = "/proc", string sysRoot = "/sys")
    {
        byte[] cpuInfo = ReadAllOrEmpty(Path.Join(procRoot, "cpuinfo"));
        CpuInfoParser.TryParse(cpuInfo, out ReadOnlySpan<byte> modelBytes, out int processorCount, out double cpuInfoMhz);
        string model = modelBytes.IsEmpty ? "unknown" : Encoding.UTF8.GetString(modelBytes);
        int cores = processorCount > 0 ? processorCount : Libc.GetOnlineProcessorCount();

        double? maxMhz = ReadCpufreqMaxMhz(sysRoot);
        string maxMhzSource = "cpufreq";
        if (maxMhz is null && cpuInfoMhz > 0)
        {
            maxMhz = cpuInfoMhz;
            maxMhzSource = "cpuinfo";
        }
        else if (maxMhz is null)
        {
            maxMhzSource = "unknown";
        }

        MemInfoParser.TryParse(ReadAllOrEmpty(Path.Join(procRoot, "meminfo")), out MemInfoKb memInfo);
        ProcStatParser.TryParse(ReadAllOrEmpty(Path.Join(procRoot, "stat")), Span<CpuTimesTicks>.Empty, out ProcStatSummary stat);

        return new NodeInfo(
            model,
            cores,
            maxMhz,
            maxMhzSource,
            memInfo.MemTotalKb,
            Libc.GetClockTicksPerSecond(),
            Libc.GetPageSizeInBytes(),
            stat.BootTimeSeconds,
            ReadInterfaces(sysRoot));
    }

    /// <summary>
    /// /sys/class/net/IFACE/speed in Mb/s. Null when unknown: the file prints -1 (virtio) or its read fails with
    /// EINVAL (lo, ifb, interfaces that are down); and null for an interface no device backs (no `device` link:
    /// veth, bridges, tunnels, dummies), whose speed is a constant the driver made up (veth says 10000), not a link
    /// speed: a container's veth would otherwise make a VM's link 10 Gbps in one run and unknown in the next.
    /// </summary>
    public static long? ReadInterfaceSpeedMbps(string interfaceName, string sysRoot = "/sys")
    {
        if (!Path.Exists(Path.Join(sysRoot, "class/net", interfaceName, "device"))) return null;
        byte[] content = ReadAllOrEmpty(Path.Join(sysRoot, "class/net", interfaceName, "speed"));
        return AsciiScan.TryParseInt64(AsciiScan.Trim(content), out long mbps) && mbps > 0 ? mbps : null;
    }

    private static List<NetworkInterfaceInfo> ReadInterfaces(string sysRoot)
    {
        var interfaces = new List<NetworkInterfaceInfo>();
        string netDirectory = Path.Join(sysRoot, "class/net");
        if (!Directory.Exists(netDirectory))
        {
            return interfaces;
        }

        foreach (string entry in Directory.GetFileSystemEntries(netDirectory).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(entry);
            interfaces.Add(new NetworkInterfaceInfo(name, ReadInterfaceSpeedMbps(name, sysRoot)));
        }

        return interfaces;
    }

    private static double? ReadCpufreqMaxMhz(string sysRoot)
    {
        string cpuDirectory = Path.Join(sysRoot, "devices/system/cpu");
        if (!Directory.Exists(cpuDirectory))
        {
            return null;
        }

        ulong maxKhz = 0;
        foreach (string cpu in Directory.GetDirectories(cpuDirectory, "cpu*"))
        {
            byte[] content = ReadAllOrEmpty(Path.Join(cpu, "cpufreq/cpuinfo_max_freq"));
            if (CgroupFileParser.TryParseCounter(content, out ulong khz) && khz > maxKhz)
            {
                maxKhz = khz;
            }
        }

        return maxKhz > 0 ? maxKhz / 1000.0 : null;
    }

    private static byte[] ReadAllOrEmpty(string path)
    {
        if (ProcFile.TryOpen(path, out ProcFile? file) != ProcReadStatus.Ok)
        {
            return [];
        }

        using (file)
        {
            byte[] buffer = new byte[16 * 1024];
            return file!.TryReadGrowing(ref buffer, out int length) == ProcReadStatus.Ok ? buffer[..length] : [];
        }
    }
}
