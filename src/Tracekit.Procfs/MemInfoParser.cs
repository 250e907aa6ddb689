namespace Tracekit.Procfs;

/// <summary>The /proc/meminfo lines the collector reports, in KiB; -1 marks a line the kernel did not print.</summary>
public struct MemInfoKb
{
    public long MemTotalKb;
    public long MemFreeKb;

    /// <summary>The kernel's estimate of memory available without swapping (since Linux 3.14).</summary>
    public long MemAvailableKb;

    public long BuffersKb;
    public long CachedKb;
    public long SwapTotalKb;
    public long SwapFreeKb;
}

/// <summary>Parser of /proc/meminfo. Never throws; false when MemTotal or MemFree is missing or damaged.</summary>
public static class MemInfoParser
{
    public static bool TryParse(ReadOnlySpan<byte> content, out MemInfoKb memInfo)
    {
        memInfo = new MemInfoKb
        {
            MemTotalKb = -1,
            MemFreeKb = -1,
            MemAvailableKb = -1,
            BuffersKb = -1,
            CachedKb = -1,
            SwapTotalKb = -1,
            SwapFreeKb = -1,
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
            if (!AsciiScan.TryTakeInt64(ref fields, out long valueKb) || valueKb < 0)
            {
                continue;
            }

            if (key.SequenceEqual("MemTotal"u8)) memInfo.MemTotalKb = valueKb;
            else if (key.SequenceEqual("MemFree"u8)) memInfo.MemFreeKb = valueKb;
            else if (key.SequenceEqual("MemAvailable"u8)) memInfo.MemAvailableKb = valueKb;
            else if (key.SequenceEqual("Buffers"u8)) memInfo.BuffersKb = valueKb;
            else if (key.SequenceEqual("Cached"u8)) memInfo.CachedKb = valueKb;
            else if (key.SequenceEqual("SwapTotal"u8)) memInfo.SwapTotalKb = valueKb;
            else if (key.SequenceEqual("SwapFree"u8)) memInfo.SwapFreeKb = valueKb;
        }

        return memInfo.MemTotalKb >= 0 && memInfo.MemFreeKb >= 0;
    }
}
