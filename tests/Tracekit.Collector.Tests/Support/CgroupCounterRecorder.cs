namespace Tracekit.Collector.Tests.Support;

/// <summary>
/// The truth for container tests: a container's own cgroup counters (v1 cpuacct.usage and memory.usage_in_bytes),
/// read by a thread of the test (<see cref="CounterPoller{T}"/>).
/// </summary>
public sealed class CgroupCounterRecorder : IDisposable
{
    private readonly CounterPoller<(long CpuNs, long MemoryBytes)> _poller;

    public CgroupCounterRecorder(string cpuacctDirectory, string memoryDirectory)
    {
        string cpu = Path.Combine(cpuacctDirectory, "cpuacct.usage");
        string memory = Path.Combine(memoryDirectory, "memory.usage_in_bytes");
        _poller = new("cgroup-counters", () => TryRead(cpu, out long cpuNs) && TryRead(memory, out long bytes) ? (cpuNs, bytes) : null);
    }

    private static bool TryRead(string path, out long value)
    {
        value = 0;
        try { return long.TryParse(File.ReadAllText(path).Trim(), out value); }
        catch (IOException) { return false; }
    }

    public Series CpuNs() => new(_poller.Stop().Select(p => (p.T, (double)p.Value.CpuNs)));
    public Series MemoryBytes() => new(_poller.Stop().Select(p => (p.T, (double)p.Value.MemoryBytes)));

    public void Dispose() => _poller.Dispose();
}
