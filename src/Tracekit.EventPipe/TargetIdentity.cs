using System.Text;
using Tracekit.Procfs;

namespace Tracekit.EventPipe;

/// <summary>What describes a target process beyond its identity (<see cref="ProcessIdentity"/>): a module name, its command line, its runtime.</summary>
internal static class TargetIdentity
{
    /// <summary>The command line, arguments joined by spaces; empty when unreadable (exited, or a kernel thread).</summary>
    public static string[] CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline", Encoding.UTF8).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>
    /// The application's name: the program's file name, or for `dotnet app.dll` the assembly's name (comm would
    /// say "dotnet", and is cut at 15 characters).
    /// </summary>
    public static string Module(int pid, string[] args)
    {
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

    /// <summary>
    /// The major version of a framework-dependent target's runtime, from the path libcoreclr.so was mapped from
    /// (<c>…/Microsoft.NETCore.App/10.0.4/libcoreclr.so</c>). Null for self-contained and native-AOT targets (no
    /// versioned folder) or an unreadable maps file. The diagnostics client's ProcessInfo would say it, but that
    /// command is not public in Microsoft.Diagnostics.NETCore.Client.
    /// </summary>
    public static int? RuntimeMajorVersion(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/maps"))
            {
                int at = line.IndexOf("/Microsoft.NETCore.App/", StringComparison.Ordinal);
                if (at < 0 || !line.EndsWith("/libcoreclr.so", StringComparison.Ordinal)) continue;
                var version = line.AsSpan(at + "/Microsoft.NETCore.App/".Length);
                int dot = version.IndexOf('.');
                return dot > 0 && int.TryParse(version[..dot], out int major) ? major : null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }
}
