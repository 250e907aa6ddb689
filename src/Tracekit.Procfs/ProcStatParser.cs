namespace Tracekit.Procfs;

/// <summary>One "cpu" row of /proc/stat, in USER_HZ ticks (see Libc.GetClockTicksPerSecond).</summary>
public struct CpuTimesTicks
{
    /// <summary>-1 for the aggregate "cpu" row, else N of "cpuN" (offline CPUs have no row, so ids may skip).</summary>
    public int CpuId;
    public ulong User;
    public ulong Nice;
    public ulong System;
    public ulong Idle;
    public ulong IoWait;
    public ulong Irq;
    public ulong SoftIrq;
    public ulong Steal;

    /// <summary>All eight columns. guest and guest_nice are left out: the kernel already counts them in user/nice.</summary>
    public readonly ulong TotalTicks => User + Nice + System + Idle + IoWait + Irq + SoftIrq + Steal;

    /// <summary>Idle plus iowait: time the CPU had nothing to run.</summary>
    public readonly ulong IdleTicks => Idle + IoWait;

    public readonly ulong BusyTicks => TotalTicks - IdleTicks;
}

/// <summary>The single-valued lines of /proc/stat plus its aggregate cpu row.</summary>
public struct ProcStatSummary
{
    public CpuTimesTicks Total;

    /// <summary>Number of cpuN rows in the file (may exceed the span the caller passed; the extra rows are not stored).</summary>
    public int CpuRowCount;

    /// <summary>btime: boot time in seconds since the Unix epoch (0 if the line is missing).</summary>
    public long BootTimeSeconds;

    public ulong ContextSwitches;

    /// <summary>"processes": forks since boot; a jump between ticks shows process churn.</summary>
    public ulong ForksSinceBoot;

    public int ProcsRunning;
    public int ProcsBlocked;
}

/// <summary>Parser of /proc/stat. Never throws; false when the aggregate cpu row is missing or damaged.</summary>
public static class ProcStatParser
{
    /// <summary>
    /// Parses <paramref name="content"/>; per-CPU rows go into <paramref name="perCpu"/> in file order (up to its
    /// length). Rows need at least the four columns of the oldest kernels; missing later columns read as 0.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> content, Span<CpuTimesTicks> perCpu, out ProcStatSummary summary)
    {
        summary = default;
        bool haveTotal = false;
        ReadOnlySpan<byte> rest = content;
        while (AsciiScan.TryTakeLine(ref rest, out ReadOnlySpan<byte> line))
        {
            ReadOnlySpan<byte> fields = line;
            if (!AsciiScan.TryTakeToken(ref fields, out ReadOnlySpan<byte> key))
            {
                continue;
            }

            if (key.StartsWith("cpu"u8))
            {
                if (!TryParseCpuRow(key, fields, out CpuTimesTicks row))
                {
                    return false;
                }

                if (row.CpuId < 0)
                {
                    summary.Total = row;
                    haveTotal = true;
                }
                else
                {
                    if (summary.CpuRowCount < perCpu.Length)
                    {
                        perCpu[summary.CpuRowCount] = row;
                    }

                    summary.CpuRowCount++;
                }

                continue;
            }

            // The counters below are informative: a damaged one is skipped rather than failing the whole sample.
            if (key.SequenceEqual("btime"u8) && AsciiScan.TryTakeInt64(ref fields, out long bootTimeSeconds))
            {
                summary.BootTimeSeconds = bootTimeSeconds;
            }
            else if (key.SequenceEqual("ctxt"u8) && AsciiScan.TryTakeUInt64(ref fields, out ulong switches))
            {
                summary.ContextSwitches = switches;
            }
            else if (key.SequenceEqual("processes"u8) && AsciiScan.TryTakeUInt64(ref fields, out ulong forks))
            {
                summary.ForksSinceBoot = forks;
            }
            else if (key.SequenceEqual("procs_running"u8) && AsciiScan.TryTakeInt64(ref fields, out long running))
            {
                summary.ProcsRunning = (int)Math.Clamp(running, 0, int.MaxValue);
            }
            else if (key.SequenceEqual("procs_blocked"u8) && AsciiScan.TryTakeInt64(ref fields, out long blocked))
            {
                summary.ProcsBlocked = (int)Math.Clamp(blocked, 0, int.MaxValue);
            }
        }

        return haveTotal;
    }

    private static bool TryParseCpuRow(ReadOnlySpan<byte> key, ReadOnlySpan<byte> fields, out CpuTimesTicks row)
    {
        row = default;
        if (key.Length == 3)
        {
            row.CpuId = -1;
        }
        else if (AsciiScan.TryParseUInt64(key[3..], out ulong cpuId) && cpuId < int.MaxValue)
        {
            row.CpuId = (int)cpuId;
        }
        else
        {
            return false;
        }

        Span<ulong> columns = stackalloc ulong[8];
        int count = 0;
        while (count < columns.Length && AsciiScan.TryTakeToken(ref fields, out ReadOnlySpan<byte> token))
        {
            if (!AsciiScan.TryParseUInt64(token, out columns[count]))
            {
                return false;
            }

            count++;
        }

        if (count < 4)
        {
            return false;
        }

        row.User = columns[0];
        row.Nice = columns[1];
        row.System = columns[2];
        row.Idle = columns[3];
        row.IoWait = columns[4];
        row.Irq = columns[5];
        row.SoftIrq = columns[6];
        row.Steal = columns[7];
        return true;
    }
}
