namespace Tracekit.Collector.Tests.Support;

/// <summary>
/// The truth for container tests: a thread of the test reads a container's own cgroup counters (v1 cpuacct.usage
/// and memory.usage_in_bytes) every ~2 ms, each read bracketed by CLOCK_MONOTONIC, so they can be interpolated at
/// the timestamps of the collector's samples.
/// </summary>
public sealed class CgroupCounterRecorder : IDisposable
{
    private readonly List<(long T, long CpuNs, long MemoryBytes)> _points = new();
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;
    private bool _stopped;

    public CgroupCounterRecorder(string cpuacctDirectory, string memoryDirectory)
    {
        string cpu = Path.Combine(cpuacctDirectory, "cpuacct.usage");
        string memory = Path.Combine(memoryDirectory, "memory.usage_in_bytes");
        _thread = new Thread(() =>
        {
            while (!_stop.IsSet)
            {
                long t0 = Mono.NowNs();
                if (TryRead(cpu, out long cpuNs) && TryRead(memory, out long memoryBytes))
                {
                    long t1 = Mono.NowNs();
                    if (t1 - t0 < 500_000) _points.Add(((t0 + t1) / 2, cpuNs, memoryBytes));
                }
                Thread.Sleep(2);
            }
        }) { IsBackground = true, Priority = ThreadPriority.Highest, Name = "cgroup-counters" };
        _thread.Start();
    }

    private static bool TryRead(string path, out long value)
    {
        value = 0;
        try { return long.TryParse(File.ReadAllText(path).Trim(), out value); }
        catch (IOException) { return false; }
    }

    public IReadOnlyList<(long T, long CpuNs, long MemoryBytes)> Stop()
    {
        if (!_stopped)
        {
            _stop.Set();
            _thread.Join();
            _stopped = true;
        }
        return _points;
    }

    public Series CpuNs() => new(Stop().Select(p => (p.T, (double)p.CpuNs)));
    public Series MemoryBytes() => new(Stop().Select(p => (p.T, (double)p.MemoryBytes)));

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }
}
