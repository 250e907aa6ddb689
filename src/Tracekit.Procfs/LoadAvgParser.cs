namespace Tracekit.Procfs;

/// <summary>
/// /proc/loadavg: "0.50 0.40 0.30 2/345 12345". The last field is the PID most recently handed out in the reader's
/// PID namespace; it moves on every fork and every thread creation, so it is a cheap "something was created" signal
/// (one small pread instead of /proc/stat's per-CPU and per-IRQ walk).
/// </summary>
public static class LoadAvgParser
{
    public static bool TryParseLastPid(ReadOnlySpan<byte> content, out int lastPid)
    {
        lastPid = 0;
        ReadOnlySpan<byte> rest = content;
        // Three load averages, then running/total: the last PID is the fifth token.
        if (!AsciiScan.TrySkipTokens(ref rest, 4) || !AsciiScan.TryTakeInt64(ref rest, out long pid)) return false;
        if (pid < 0 || pid > int.MaxValue) return false;
        lastPid = (int)pid;
        return true;
    }
}
