namespace Tracekit.Procfs;

/// <summary>Fields of /proc/PID/stat (or /proc/PID/task/TID/stat) the collector uses. Times in USER_HZ ticks.</summary>
public struct PidStat
{
    public int Pid;

    /// <summary>R, S, D, Z, T, t, X, I, ...; Z means exited but not yet reaped (CPU totals are still valid).</summary>
    public byte State;

    public int ParentPid;
    public int ProcessGroupId;
    public int SessionId;

    /// <summary>User time of all threads, live and exited, in USER_HZ ticks (10 ms at USER_HZ 100).</summary>
    public ulong UserTicks;

    public ulong SystemTicks;

    /// <summary>User time of waited-for (reaped) children, in ticks.</summary>
    public long ChildrenUserTicks;

    public long ChildrenSystemTicks;
    public int ThreadCount;

    /// <summary>Start time in ticks after boot: together with the PID it names a process uniquely (PID reuse).</summary>
    public ulong StartTimeTicks;

    public ulong VirtualSizeInBytes;

    /// <summary>Resident set in pages (see Libc.GetPageSizeInBytes); 0 for a zombie.</summary>
    public long RssPages;

    public readonly ulong CpuTicks => UserTicks + SystemTicks;
}

/// <summary>
/// Parser of /proc/PID/stat. The comm field may hold spaces, parentheses and newlines ("a b) (c"), so the fields
/// are located after the LAST ')' of the content: no later field can contain one. Never throws.
/// </summary>
public static class PidStatParser
{
    public static bool TryParse(ReadOnlySpan<byte> content, out PidStat stat) => TryParse(content, out stat, out _);

    /// <summary>Also returns the comm bytes (between the first '(' and the last ')'; at most 15 bytes from the kernel).</summary>
    public static bool TryParse(ReadOnlySpan<byte> content, out PidStat stat, out ReadOnlySpan<byte> comm)
    {
        stat = default;
        comm = default;
        int open = content.IndexOf((byte)'(');
        int close = content.LastIndexOf((byte)')');
        if (open <= 0 || close < open)
        {
            return false;
        }

        ReadOnlySpan<byte> pidText = AsciiScan.Trim(content[..open]);
        if (!AsciiScan.TryParseUInt64(pidText, out ulong pid) || pid > int.MaxValue)
        {
            return false;
        }

        stat.Pid = (int)pid;
        comm = content[(open + 1)..close];
        ReadOnlySpan<byte> rest = content[(close + 1)..];

        // Field numbers below are those of proc(5); field 3 (state) is the first token after ')'.
        if (!AsciiScan.TryTakeToken(ref rest, out ReadOnlySpan<byte> state) || state.Length != 1)
        {
            return false;
        }

        stat.State = state[0];
        if (!TryTakeInt(ref rest, out stat.ParentPid) ||
            !TryTakeInt(ref rest, out stat.ProcessGroupId) ||
            !TryTakeInt(ref rest, out stat.SessionId) ||
            !AsciiScan.TrySkipTokens(ref rest, 6) || // tty_nr tpgid flags minflt cminflt majflt
            !AsciiScan.TrySkipTokens(ref rest, 1) || // cmajflt
            !AsciiScan.TryTakeUInt64(ref rest, out stat.UserTicks) ||
            !AsciiScan.TryTakeUInt64(ref rest, out stat.SystemTicks) ||
            !AsciiScan.TryTakeInt64(ref rest, out stat.ChildrenUserTicks) ||
            !AsciiScan.TryTakeInt64(ref rest, out stat.ChildrenSystemTicks) ||
            !AsciiScan.TrySkipTokens(ref rest, 2) || // priority nice
            !TryTakeInt(ref rest, out stat.ThreadCount) ||
            !AsciiScan.TrySkipTokens(ref rest, 1) || // itrealvalue
            !AsciiScan.TryTakeUInt64(ref rest, out stat.StartTimeTicks) ||
            !AsciiScan.TryTakeUInt64(ref rest, out stat.VirtualSizeInBytes) ||
            !AsciiScan.TryTakeInt64(ref rest, out stat.RssPages))
        {
            return false;
        }

        return true;
    }

    private static bool TryTakeInt(ref ReadOnlySpan<byte> rest, out int value)
    {
        bool ok = AsciiScan.TryTakeInt64(ref rest, out long wide) && wide >= int.MinValue && wide <= int.MaxValue;
        value = ok ? (int)wide : 0;
        return ok;
    }
}
