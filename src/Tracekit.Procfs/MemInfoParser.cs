namespace Tracekit.Procfs;

/// <summary>The /proc/meminfo lines the collector reports, in KiB; -1 marks a line the kernel did not print.</summary>
public struct MemInfoKiB
{
    public long MemTotalKiB;
    public long MemFreeKiB;

    /// <summary>The kernel's estimate of memory available without swapping (since Linux 3.14).</summary>
    public long MemAvailableKiB;

    public long BuffersKiB;
    public long CachedKiB;
    public long SwapTotalKiB;
    public long SwapFreeKiB;
}

/// <summary>Parser of /proc/meminfo. Never throws; false when MemTotal or MemFree is missing or damaged.</summary>
public static class MemInfoParser
{
    public static bool TryParse(ReadOnlySpan<byte> content, out MemInfoKiB memInfo)
    {
        memInfo = new MemInfoKiB
        {
            MemTotalKiB = -1,
            MemFreeKiB = -1,
            MemAvailableKiB = -1,
            BuffersKiB = -1,
            CachedKiB = -1,
            SwapTotalKiB = -1,
            SwapFreeKiB = -1,
        };

        ReadOnlySpan<byte> rest = content;
        while (AsciiScan.TryTakeLine(ref rest, out ReadOnlySpan<byte> line))
        {
            int colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            ReadOnlySpan<byte> key = line[..colon];
            ReadOnlySpan<byte> fields = line[(colon + 1)..];
            if (!AsciiScan.TryTakeInt64(ref fields, out long valueKiB) || valueKiB < 0)
            {
                continue;
            }

            if (key.SequenceEqual("MemTotal"u8)) memInfo.MemTotalKiB = valueKiB;
            else if (key.SequenceEqual("MemFree"u8)) memInfo.MemFreeKiB = valueKiB;
            else if (key.SequenceEqual("MemAvailable"u8)) memInfo.MemAvailableKiB = valueKiB;
            else if (key.SequenceEqual("Buffers"u8)) memInfo.BuffersKiB = valueKiB;
            else if (key.SequenceEqual("Cached"u8)) memInfo.CachedKiB = valueKiB;
            else if (key.SequenceEqual("SwapTotal"u8)) memInfo.SwapTotalKiB = valueKiB;
            else if (key.SequenceEqual("SwapFree"u8)) memInfo.SwapFreeKiB = valueKiB;
        }

        return memInfo.MemTotalKiB >= 0 && memInfo.MemFreeKiB >= 0;
    }
}
