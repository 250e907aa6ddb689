using System.Diagnostics;

namespace Tracekit.Testing;

/// <summary>
/// A small tmpfs that stands in for a full disk. Needs root (mount); the test is skipped with the reason otherwise.
/// Compiled into the Ring, Native and Convert test projects through a link.
/// </summary>
internal sealed class SmallTmpfs : IDisposable
{
    private SmallTmpfs(string path) => Path = path;

    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="size"/> (mount's syntax: "256k", "1m") at <paramref name="path"/>.</summary>
    public static SmallTmpfs Mount(string path, string size = "1m")
    {
        Skip.IfNot(Environment.UserName == "root", "mounting a small tmpfs needs root; this test runs as root on CI");
        Directory.CreateDirectory(path);
        (int code, string message) = Run("mount", "-t", "tmpfs", "-o", $"size={size},mode=0700", "tmpfs", path);
        Skip.If(code != 0, $"cannot mount a tmpfs here (no CAP_SYS_ADMIN?): {message}");
        return new SmallTmpfs(path);
    }

    public void Dispose() => Run("umount", Path);

    private static (int Code, string Message) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        try
        {
            using Process process = Process.Start(start)!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error.Trim());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
