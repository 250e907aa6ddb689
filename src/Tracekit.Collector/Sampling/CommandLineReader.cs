using System.Text;
using Tracekit.Procfs;

namespace Tracekit.Collector.Sampling;

/// <summary>
/// Reads /proc/PID/cmdline as people grep for it: argv joined by spaces, capped at 1024 chars so a record that
/// carries it always fits. Read once per new process, never per tick; the buffer is the caller's.
/// </summary>
internal static class CommandLineReader
{
    public const int MaxChars = 1024;

    public static string? TryRead(int pid, byte[] buffer)
    {
        if (ProcFile.TryOpenPid(pid, "cmdline"u8, out var file) != ProcReadStatus.Ok || file is null) return null;
        using (file)
        {
            if (file.TryRead(buffer, out int length) != ProcReadStatus.Ok || length == 0) return null;
            var text = Encoding.UTF8.GetString(buffer.AsSpan(0, length).TrimEnd((byte)0)).Replace('\0', ' ');
            return text.Length > MaxChars ? text[..MaxChars] : text;
        }
    }
}
