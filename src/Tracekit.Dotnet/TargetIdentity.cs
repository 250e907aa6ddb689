using System.Text;
using Tracekit.Procfs;

namespace Tracekit.Dotnet;

/// <summary>What identifies a target process in records: its start ticks (pid reuse) and a module name.</summary>
internal static class TargetIdentity
{
    public static ulong? StartTicks(int pid)
    {
        if (ProcFile.TryOpenPid(pid, "stat"u8, out var file) != ProcReadStatus.Ok || file is null) return null;
        using (file)
        {
            Span<byte> buffer = stackalloc byte[1024];
            if (file.TryRead(buffer, out int length) != ProcReadStatus.Ok) return null;
            return PidStatParser.TryParse(buffer[..length], out var stat) ? stat.StartTimeTicks : null;
        }
    }

    /// <summary>
    /// The application's name: the program's file name, or for `dotnet app.dll` the assembly's name (comm would
    /// say "dotnet", and is cut at 15 characters).
    /// </summary>
    public static string Module(int pid)
    {
        try
        {
            var args = File.ReadAllText($"/proc/{pid}/cmdline", Encoding.UTF8).Split('\0', StringSplitOptions.RemoveEmptyEntries);
            if (args.Length == 0) return $"pid-{pid}";
            var program = Path.GetFileName(args[0]);
            if (program == "dotnet")
            {
                foreach (var a in args.AsSpan(1))
                {
                    if (a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) return Path.GetFileNameWithoutExtension(a);
                }
            }
            return program;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"pid-{pid}";
        }
    }
}
