using System.Diagnostics;
using System.Text;

namespace Tracekit.Procfs.Tests;

/// <summary>Helpers shared by the tests: captured samples and real child processes.</summary>
internal static class TestSupport
{
    public static byte[] Sample(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Samples", name));

    /// <summary>/proc/PID/comm without its newline; "" once the process is gone.</summary>
    public static string Comm(int pid) =>
        ReadAll($"/proc/{pid}/comm", out byte[] content) == ProcReadStatus.Ok ? System.Text.Encoding.UTF8.GetString(content).TrimEnd('\n') : "";

    public static byte[] Ascii(string text) => Encoding.UTF8.GetBytes(text);

    public static bool IsRoot => GetEffectiveUidIsZero();

    private static bool GetEffectiveUidIsZero()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                string[] fields = line.Split('\t', StringSplitOptions.RemoveEmptyEntries);
                return fields.Length > 2 && fields[2] == "0";
            }
        }

        return false;
    }

    /// <summary>Starts a program without a shell command string (ArgumentList only).</summary>
    public static Process Start(string fileName, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {fileName}");
    }

    /// <summary>A shell busy loop: one thread at 100% until killed.</summary>
    public static Process StartBusyShell() => Start("/bin/sh", "-c", "while :; do :; done");

    /// <summary>A shell that forks /bin/true in a loop: CPU and memory charged to whatever cgroup it is in.</summary>
    public static Process StartForkingShell() => Start("/bin/sh", "-c", "while :; do /bin/true; done");

    /// <summary>Kills the process tree and waits for it; safe to call again on a process already reaped.</summary>
    public static void KillAndReap(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Already exited and reaped (or disposed by an earlier call).
        }

        process.Dispose();
    }

    /// <summary>Spins the calling thread for the given wall time.</summary>
    public static void Burn(TimeSpan duration)
    {
        var watch = Stopwatch.StartNew();
        ulong sink = 0;
        while (watch.Elapsed < duration)
        {
            for (int i = 0; i < 10_000; i++)
            {
                sink += (ulong)i * 2654435761UL;
            }
        }

        GC.KeepAlive(sink);
    }

    /// <summary>Polls until the condition holds or the timeout passes; returns the last result.</summary>
    public static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (condition())
            {
                return true;
            }

            Thread.Sleep(10);
        }

        return condition();
    }

    public static ProcReadStatus ReadAll(string path, out byte[] content)
    {
        content = [];
        ProcReadStatus status = ProcFile.TryOpen(path, out ProcFile? file);
        if (file is null)
        {
            return status;
        }

        using (file)
        {
            byte[] buffer = new byte[4096];
            status = file.TryReadGrowing(ref buffer, out int length);
            content = buffer[..length];
            return status;
        }
    }
}
