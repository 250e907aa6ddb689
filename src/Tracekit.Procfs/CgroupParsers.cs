namespace Tracekit.Procfs;

/// <summary>cgroup v2 cpu.stat; times in µs as the kernel prints them.</summary>
public struct CgroupCpuStat
{
    public ulong UsageUs;
    public ulong UserUs;
    public ulong SystemUs;

    /// <summary>Periods in which the group hit its cpu.max quota (0 when the cpu controller is not enabled).</summary>
    public ulong ThrottledPeriods;

    public ulong ThrottledUs;
}

/// <summary>
/// Parsers of cgroup control files: single counters (v1 cpuacct.usage, memory.usage_in_bytes, v2 memory.current,
/// memory.peak), limits (v1 memory.limit_in_bytes, v2 memory.max) and v2 cpu.stat. Never throw.
/// </summary>
public static class CgroupFileParser
{
    /// <summary>
    /// v1 reports "no limit" as the largest page-aligned signed value (0x7FFFFFFFFFFFF000 with 4 KiB pages); any
    /// limit at or above 2^62 bytes is treated as unlimited.
    /// </summary>
    public const ulong V1UnlimitedThresholdInBytes = 1UL << 62;

    /// <summary>A file holding one unsigned decimal, such as cpuacct.usage (ns) or memory.current (bytes).</summary>
    public static bool TryParseCounter(ReadOnlySpan<byte> content, out ulong value) =>
        AsciiScan.TryParseUInt64(AsciiScan.Trim(content), out value);

    /// <summary>A limit file: v2 "max" or v1's huge value mean unlimited (value then reads ulong.MaxValue).</summary>
    public static bool TryParseLimit(ReadOnlySpan<byte> content, out ulong limitInBytes, out bool unlimited)
    {
        ReadOnlySpan<byte> text = AsciiScan.Trim(content);
        if (text.SequenceEqual("max"u8))
        {
            limitInBytes = ulong.MaxValue;
            unlimited = true;
            return true;
        }

        if (!AsciiScan.TryParseUInt64(text, out limitInBytes))
        {
            unlimited = false;
            return false;
        }

        unlimited = limitInBytes >= V1UnlimitedThresholdInBytes;
        if (unlimited)
        {
            limitInBytes = ulong.MaxValue;
        }

        return true;
    }

    /// <summary>v2 cpu.stat ("key value" lines); false when usage_usec is missing or damaged.</summary>
    public static bool TryParseCpuStat(ReadOnlySpan<byte> content, out CgroupCpuStat stat)
    {
        stat = default;
        bool haveUsage = false;
        ReadOnlySpan<byte> rest = content;
        while (AsciiScan.TryTakeLine(ref rest, out ReadOnlySpan<byte> line))
        {
            ReadOnlySpan<byte> fields = line;
            if (!AsciiScan.TryTakeToken(ref fields, out ReadOnlySpan<byte> key) ||
                !AsciiScan.TryTakeUInt64(ref fields, out ulong value))
            {
                continue;
            }

            if (key.SequenceEqual("usage_usec"u8))
            {
                stat.UsageUs = value;
                haveUsage = true;
            }
            else if (key.SequenceEqual("user_usec"u8)) stat.UserUs = value;
            else if (key.SequenceEqual("system_usec"u8)) stat.SystemUs = value;
            else if (key.SequenceEqual("nr_throttled"u8)) stat.ThrottledPeriods = value;
            else if (key.SequenceEqual("throttled_usec"u8)) stat.ThrottledUs = value;
        }

        return haveUsage;
    }
}

/// <summary>
/// Walks /proc/PID/cgroup lines "hierarchy-id:controller-list:path". v2 is the line with id 0 and an empty
/// controller list ("0::/path"); v1 lines name their controllers ("4:memory:/path", "2:cpu,cpuacct:/path").
/// A path may contain ':', so only the first two colons split.
/// </summary>
public ref struct CgroupMembershipEnumerator
{
    private ReadOnlySpan<byte> _rest;

    public CgroupMembershipEnumerator(ReadOnlySpan<byte> content)
    {
        _rest = content;
        HierarchyId = 0;
        Controllers = default;
        Path = default;
    }

    public int HierarchyId { get; private set; }

    /// <summary>Comma-separated controllers; empty for v2, "name=systemd" for named v1 hierarchies.</summary>
    public ReadOnlySpan<byte> Controllers { get; private set; }

    public ReadOnlySpan<byte> Path { get; private set; }

    public readonly bool IsUnified => HierarchyId == 0 && Controllers.IsEmpty;

    public bool MoveNext()
    {
        ReadOnlySpan<byte> rest = _rest;
        while (AsciiScan.TryTakeLine(ref rest, out ReadOnlySpan<byte> line))
        {
            int first = line.IndexOf((byte)':');
            int second = first < 0 ? -1 : line[(first + 1)..].IndexOf((byte)':');
            if (second < 0 || !AsciiScan.TryParseUInt64(line[..first], out ulong id) || id > int.MaxValue)
            {
                continue;
            }

            second += first + 1;
            ReadOnlySpan<byte> path = line[(second + 1)..];
            if (path.IsEmpty || path[0] != (byte)'/')
            {
                continue;
            }

            HierarchyId = (int)id;
            Controllers = line[(first + 1)..second];
            Path = path;
            _rest = rest;
            return true;
        }

        _rest = rest;
        return false;
    }

    /// <summary>True when the comma-separated <see cref="Controllers"/> list contains <paramref name="controller"/>.</summary>
    public readonly bool HasController(ReadOnlySpan<byte> controller)
    {
        ReadOnlySpan<byte> list = Controllers;
        while (!list.IsEmpty)
        {
            int comma = list.IndexOf((byte)',');
            ReadOnlySpan<byte> item = comma < 0 ? list : list[..comma];
            if (item.SequenceEqual(controller))
            {
                return true;
            }

            list = comma < 0 ? default : list[(comma + 1)..];
        }

        return false;
    }
}

/// <summary>Lookups over /proc/PID/cgroup content.</summary>
public static class CgroupMembershipParser
{
    public static CgroupMembershipEnumerator Lines(ReadOnlySpan<byte> content) => new(content);

    /// <summary>The v2 ("0::") path of the process, if the file has that line.</summary>
    public static bool TryFindUnifiedPath(ReadOnlySpan<byte> content, out ReadOnlySpan<byte> path)
    {
        var lines = new CgroupMembershipEnumerator(content);
        while (lines.MoveNext())
        {
            if (lines.IsUnified)
            {
                path = lines.Path;
                return true;
            }
        }

        path = default;
        return false;
    }

    /// <summary>The v1 path for a controller such as "cpuacct" or "memory".</summary>
    public static bool TryFindControllerPath(ReadOnlySpan<byte> content, ReadOnlySpan<byte> controller, out ReadOnlySpan<byte> path)
    {
        var lines = new CgroupMembershipEnumerator(content);
        while (lines.MoveNext())
        {
            if (!lines.IsUnified && lines.HasController(controller))
            {
                path = lines.Path;
                return true;
            }
        }

        path = default;
        return false;
    }
}
