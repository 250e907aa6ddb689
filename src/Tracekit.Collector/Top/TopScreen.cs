using System.Globalization;
using System.Text;

namespace Tracekit.Collector.Top;

/// <summary>How the process table is ordered; a key switches it.</summary>
internal enum TopSort
{
    Cpu,
    Rss,
    Pid,
}

/// <summary>Lays out one screen of `top` as plain lines no wider than the terminal (80x24 is enough for all of it).</summary>
internal static class TopScreen
{
    public const string Keys = "keys: c cpu  m memory  p pid  q quit";

    public static List<string> Render(TopState s, string title, string state, TopSort sort, int width, int height, bool withKeys)
    {
        var lines = new List<string>
        {
            Inv($"{title}  {state}"),
            s.HasCpu
                ? Inv($"host cpu {s.CpuBusyPercent,5:0.0}%  user {s.CpuUserPercent:0.0}  system {s.CpuSystemPercent:0.0}  iowait {s.CpuIowaitPercent:0.0}")
                : "host cpu  -    (waiting for two host samples one second apart)",
            s.Memory is { } m
                ? Inv($"host mem {Gib(m.MemTotalKb - Math.Min(m.MemTotalKb, m.MemAvailableKb > 0 ? m.MemAvailableKb : m.MemFreeKb))} used of {Gib(m.MemTotalKb)} GiB  swap used {Gib(m.SwapTotalKb - Math.Min(m.SwapTotalKb, m.SwapFreeKb))} GiB")
                : "host mem  -",
            s.Self is { } r
                ? Inv($"records {s.RecordsPerSecond,8:N0}/s  ticks {r.Ticks:N0} taken, {r.MissedTicks:N0} missed, {r.LateTicks:N0} late  dropped {r.RecordsDropped:N0}")
                : Inv($"records {s.RecordsPerSecond,8:N0}/s  ticks -  (the collector reports once a second)"),
        };

        var jobs = s.RunningJobs();
        lines.Add(Inv($"jobs running {jobs.Count}") + (jobs.Count > 0 ? Inv($": {jobs[0].Label} ({jobs[0].Seconds:0.0} s)") : string.Empty)
            + (jobs.Count > 1 ? Inv($" and {jobs.Count - 1} more") : string.Empty));
        if (withKeys)
        {
            lines.Add(Keys + Inv($"  (sorted by {sort.ToString().ToLowerInvariant()})"));
        }

        lines.Add(string.Empty);
        lines.Add("    PID  CPU%   RSS MiB  THR  COMMAND");
        var processes = s.LiveProcesses();
        processes.Sort(sort switch
        {
            TopSort.Rss => static (a, b) => b.RssKb.CompareTo(a.RssKb) is int c and not 0 ? c : a.Pid.CompareTo(b.Pid),
            TopSort.Pid => static (a, b) => a.Pid.CompareTo(b.Pid),
            _ => static (a, b) => b.CpuPercent.CompareTo(a.CpuPercent) is int c and not 0 ? c : a.Pid.CompareTo(b.Pid),
        });
        int rows = Math.Max(1, height - lines.Count);
        foreach (var p in processes.Take(rows))
        {
            lines.Add(Inv($"{p.Pid,7} {p.CpuPercent,5:0.0} {p.RssKb / 1024.0,9:0.0} {p.Threads,4}  {(p.Command.Length == 0 ? "?" : p.Command)}"));
        }

        for (int i = 0; i < lines.Count; i++)
        {
            if (lines[i].Length > width)
            {
                lines[i] = lines[i][..width];
            }
        }

        return lines;
    }

    /// <summary>The lines as one frame: home, each line cleared to its end, the rest of the screen cleared.</summary>
    public static string Frame(List<string> lines)
    {
        var sb = new StringBuilder("\u001b[H");
        foreach (string line in lines)
        {
            sb.Append(line).Append("\u001b[K\r\n");
        }

        return sb.Append("\u001b[J").ToString();
    }

    private static string Gib(ulong kb) => (kb / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
