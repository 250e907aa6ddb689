using System.Diagnostics;
using System.Text;
using Tracekit.Native;

namespace Tracekit.Dotnet.Tests.Support;

/// <summary>A process a test started (ArgumentList, never a shell string), its output captured; Dispose kills it if it still runs.</summary>
internal sealed class Spawned : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private Spawned(Process process) => _process = process;

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public static Spawned Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(fileName) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        var process = new Process { StartInfo = psi };
        var spawned = new Spawned(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (spawned._stdout) spawned._stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (spawned._stderr) spawned._stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return spawned;
    }

    /// <summary>Waits for the exit and for the output to be read; -1 on timeout.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return -1;
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Signal(int signal) => Libc.TrySendSignal(_process.Id, signal, out _);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
