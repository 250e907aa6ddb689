using System.Globalization;
using Tracekit.Native;

namespace Tracekit.Collector.Tests.Support;

/// <summary>CLOCK_MONOTONIC, the clock of every record's timestampNs.</summary>
public static class Mono
{
    public static long NowNs() => Libc.ClockGetTimeNs(ClockId.Monotonic);
}

/// <summary>/proc/PID/stat as the tests read it: an oracle independent of the collector's parser.</summary>
public readonly record struct StatSnapshot(char State, int Ppid, long UtimeTicks, long StimeTicks, int Threads, ulong StartTicks, string Comm)
{
    public long CpuTicks => UtimeTicks + StimeTicks;
}

public static class Proc
{
    public static readonly long TicksPerSecond = Libc.GetClockTicksPerSecond();

    public static bool TryReadStat(int pid, out StatSnapshot stat)
    {
        stat = default;
        string text;
        try { text = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
        int open = text.IndexOf('(');
        int close = text.LastIndexOf(')'); // the command name may itself contain ") ("
        if (open < 0 || close < open) return false;
        var f = text[(close + 2)..].Split(' ');
        // f[0] is field 3 (state): field n is f[n - 3].
        stat = new StatSnapshot(f[0][0], int.Parse(f[1], CultureInfo.InvariantCulture),
            long.Parse(f[11], CultureInfo.InvariantCulture), long.Parse(f[12], CultureInfo.InvariantCulture),
            int.Parse(f[17], CultureInfo.InvariantCulture), ulong.Parse(f[19], CultureInfo.InvariantCulture),
            text[(open + 1)..close]);
        return true;
    }

    /// <summary>The first field of /proc/PID/schedstat: the main thread's CPU time in ns.</summary>
    public static bool TryReadSchedstatNs(int pid, out long ns)
    {
        ns = 0;
        try { return long.TryParse(File.ReadAllText($"/proc/{pid}/schedstat").Split(' ')[0], CultureInfo.InvariantCulture, out ns); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    public static List<int> ChildrenOf(int ppid)
    {
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out int pid)) continue;
            if (TryReadStat(pid, out var s) && s.Ppid == ppid) children.Add(pid);
        }
        return children;
    }

    public static int CountFds(int pid)
    {
        try { return Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return -1; }
    }

    /// <summary>Polls until the condition holds; false on timeout.</summary>
    public static bool WaitFor(Func<bool> condition, TimeSpan timeout, int pollMs = 10)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (condition()) return true;
            Thread.Sleep(pollMs);
        }
        return condition();
    }

    public static void WaitForOrFail(Func<bool> condition, TimeSpan timeout, string what)
    {
        if (!WaitFor(condition, timeout)) Assert.Fail($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}");
    }

    public static bool IsRoot => Environment.IsPrivilegedProcess;
}
