using System.Diagnostics;

namespace Tracekit.Benchmarks;

/// <summary>Idle `sleep 600` children for the per-process benchmarks: started in setup, killed in cleanup.</summary>
internal sealed class Sleepers : IDisposable
{
    private readonly List<Process> _processes = [];

    public Sleepers(int count)
    {
        for (int i = 0; i < count; i++)
        {
            var startInfo = new ProcessStartInfo("/bin/sleep") { UseShellExecute = false };
            startInfo.ArgumentList.Add("600");
            _processes.Add(Process.Start(startInfo) ?? throw new InvalidOperationException("cannot start /bin/sleep"));
        }

        Pids = _processes.Select(p => p.Id).ToArray();
    }

    public int[] Pids { get; }

    public void Dispose()
    {
        foreach (Process process in _processes)
        {
            process.Kill();
            process.WaitForExit();
            process.Dispose();
        }
        _processes.Clear();
    }
}
