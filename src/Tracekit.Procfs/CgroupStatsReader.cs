namespace Tracekit.Procfs;

public enum CgroupVersion : byte
{
    V1 = 1,
    V2 = 2,
}

/// <summary>One sample of a cgroup. -1 marks a figure this cgroup does not provide (controller not attached).</summary>
public struct CgroupSample
{
    /// <summary>Cumulative CPU of all tasks in the group and its descendants, in ns (v2 reports µs, scaled here).</summary>
    public long CpuUsageNs;

    public long MemoryCurrentBytes;

    /// <summary>High-water mark (v1 memory.max_usage_in_bytes, v2 memory.peak since Linux 5.19).</summary>
    public long MemoryPeakBytes;

    /// <summary>long.MaxValue when unlimited.</summary>
    public long MemoryLimitBytes;
}

/// <summary>
/// Reads CPU and memory of one cgroup from kept descriptors (v1: cpuacct.usage, memory.usage_in_bytes,
/// memory.max_usage_in_bytes, memory.limit_in_bytes; v2: cpu.stat usage_usec, memory.current, memory.peak,
/// memory.max). Files that do not exist are left out and read as -1. After the cgroup is removed the kept files
/// fail with ENODEV: <see cref="ProcReadStatus.Vanished"/>.
/// </summary>
public sealed class CgroupStatsReader : IDisposable
{
    private readonly ProcFile? _cpu;
    private readonly ProcFile? _memoryCurrent;
    private readonly ProcFile? _memoryPeak;
    private readonly ProcFile? _memoryLimit;
    private readonly byte[] _buffer = new byte[512];

    private CgroupStatsReader(CgroupVersion version, ProcFile? cpu, ProcFile? current, ProcFile? peak, ProcFile? limit)
    {
        Version = version;
        _cpu = cpu;
        _memoryCurrent = current;
        _memoryPeak = peak;
        _memoryLimit = limit;
    }

    public CgroupVersion Version { get; }

    public bool HasCpu => _cpu is not null;

    public bool HasMemory => _memoryCurrent is not null;

    /// <summary>v1: the cpuacct and memory hierarchies are separate directories; either may be null.</summary>
    public static CgroupStatsReader OpenV1(string? cpuacctDirectory, string? memoryDirectory) => new(
        CgroupVersion.V1,
        OpenOptional(cpuacctDirectory, "cpuacct.usage"),
        OpenOptional(memoryDirectory, "memory.usage_in_bytes"),
        OpenOptional(memoryDirectory, "memory.max_usage_in_bytes"),
        OpenOptional(memoryDirectory, "memory.limit_in_bytes"));

    /// <summary>v2: one directory. cpu.stat exists even without the cpu controller; memory.* needs the memory one.</summary>
    public static CgroupStatsReader OpenV2(string directory) => new(
        CgroupVersion.V2,
        OpenOptional(directory, "cpu.stat"),
        OpenOptional(directory, "memory.current"),
        OpenOptional(directory, "memory.peak"),
        OpenOptional(directory, "memory.max"));

    /// <summary>Reads every kept file. Vanished as soon as one says the group is gone; no allocation.</summary>
    public ProcReadStatus TryRead(out CgroupSample sample)
    {
        sample = new CgroupSample { CpuUsageNs = -1, MemoryCurrentBytes = -1, MemoryPeakBytes = -1, MemoryLimitBytes = -1 };
        ProcReadStatus status = ProcReadStatus.Ok;
        if (_cpu is not null)
        {
            status = ReadCpu(out sample.CpuUsageNs);
        }

        if (status == ProcReadStatus.Ok && _memoryCurrent is not null)
        {
            status = ReadCounter(_memoryCurrent, out sample.MemoryCurrentBytes);
        }

        if (status == ProcReadStatus.Ok && _memoryPeak is not null)
        {
            status = ReadCounter(_memoryPeak, out sample.MemoryPeakBytes);
        }

        if (status == ProcReadStatus.Ok && _memoryLimit is not null)
        {
            status = ReadLimit(_memoryLimit, out sample.MemoryLimitBytes);
        }

        return status;
    }

    private ProcReadStatus ReadCpu(out long cpuUsageNs)
    {
        cpuUsageNs = -1;
        ProcReadStatus status = _cpu!.TryRead(_buffer, out int length);
        if (status != ProcReadStatus.Ok)
        {
            return status;
        }

        ReadOnlySpan<byte> content = _buffer.AsSpan(0, length);
        if (Version == CgroupVersion.V1)
        {
            if (!CgroupFileParser.TryParseCounter(content, out ulong usageNs) || usageNs > long.MaxValue)
            {
                return ProcReadStatus.Malformed;
            }

            cpuUsageNs = (long)usageNs;
            return ProcReadStatus.Ok;
        }

        if (!CgroupFileParser.TryParseCpuStat(content, out CgroupCpuStat stat) || stat.UsageUs > long.MaxValue / 1000)
        {
            return ProcReadStatus.Malformed;
        }

        cpuUsageNs = (long)stat.UsageUs * 1000;
        return ProcReadStatus.Ok;
    }

    private ProcReadStatus ReadCounter(ProcFile file, out long value)
    {
        value = -1;
        ProcReadStatus status = file.TryRead(_buffer, out int length);
        if (status != ProcReadStatus.Ok)
        {
            return status;
        }

        if (!CgroupFileParser.TryParseCounter(_buffer.AsSpan(0, length), out ulong parsed) || parsed > long.MaxValue)
        {
            return ProcReadStatus.Malformed;
        }

        value = (long)parsed;
        return ProcReadStatus.Ok;
    }

    private ProcReadStatus ReadLimit(ProcFile file, out long limitInBytes)
    {
        limitInBytes = -1;
        ProcReadStatus status = file.TryRead(_buffer, out int length);
        if (status != ProcReadStatus.Ok)
        {
            return status;
        }

        if (!CgroupFileParser.TryParseLimit(_buffer.AsSpan(0, length), out ulong parsed, out bool unlimited))
        {
            return ProcReadStatus.Malformed;
        }

        limitInBytes = unlimited || parsed > long.MaxValue ? long.MaxValue : (long)parsed;
        return ProcReadStatus.Ok;
    }

    private static ProcFile? OpenOptional(string? directory, string fileName)
    {
        if (directory is null)
        {
            return null;
        }

        ProcFile.TryOpen(Path.Join(directory, fileName), out ProcFile? file);
        return file;
    }

    public void Dispose()
    {
        _cpu?.Dispose();
        _memoryCurrent?.Dispose();
        _memoryPeak?.Dispose();
        _memoryLimit?.Dispose();
    }
}
