using System.Diagnostics;
using System.Text;
using Tracekit.Native;

namespace Tracekit.Collector.Tests.Support;

/// <summary>
/// A process a test started: arguments go through ArgumentList (never a shell string), stdout and stderr are
/// captured (line by line, each line with its CLOCK_MONOTONIC arrival time), and Dispose kills the process by its
/// PID if it still runs, so no test leaves a workload behind, whatever it asserted.
/// Tracekit.Dotnet.Tests compiles this same file (linked in its project), so it depends only on xunit and Native.
/// </summary>
public sealed class Spawned : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<(long ArrivalNs, string Line)> _stdoutLines = new();
    private readonly object _gate = new();

    private Spawned(Process process) => _process = process;

    public int Pid => _process.Id;
    public string FileName => _process.StartInfo.FileName;

    public string Stdout { get { lock (_gate) return _stdout.ToString(); } }
    public string Stderr { get { lock (_gate) return _stderr.ToString(); } }

    /// <summary>Stdout lines with the monotonic time each one arrived (for tools that print as they measure).</summary>
    public IReadOnlyList<(long ArrivalNs, string Line)> StdoutLines { get { lock (_gate) return _stdoutLines.ToArray(); } }

    public bool HasExited => _process.HasExited;

    public static Spawned Start(string fileName, IEnumerable<string> arguments, bool redirectStdin = false,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStdin,
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;

        var process = new Process { StartInfo = psi };
        var spawned = new Spawned(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            long now = Libc.ClockGetTimeNs(ClockId.Monotonic);
            lock (spawned._gate)
            {
                spawned._stdout.AppendLine(e.Data);
                spawned._stdoutLines.Add((now, e.Data));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (spawned._gate) spawned._stderr.AppendLine(e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return spawned;
    }

    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Waits for the exit and returns the exit code; on timeout kills the process and fails the test.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Kill();
            Assert.Fail($"{Describe()} did not exit within {timeout.TotalSeconds:0.#} s; killed. stderr:\n{Stderr}");
        }
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    public bool TryWaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return false;
        _process.WaitForExit();
        return true;
    }

    public int ExitCode => _process.ExitCode;

    public void Signal(int signal)
    {
        if (!Libc.TrySendSignal(Pid, signal, out int errno))
            throw new InvalidOperationException($"kill({Pid}, {signal}) failed: errno {errno}");
    }

    public string Describe() => $"'{Path.GetFileName(FileName)} {string.Join(' ', _process.StartInfo.ArgumentList)}' (pid {Pid})";

    private void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
        _process.WaitForExit(5000);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
