namespace Tracekit.Procfs;

/// <summary>
/// Tells whether any process or thread was created since the last check, by watching the last PID of
/// /proc/loadavg through a kept fd. A PID counter that wraps to the very same value between two checks would be
/// missed; at 100 Hz that needs a full PID-space cycle (pid_max, 4 194 304 by default) within one tick.
/// </summary>
public sealed class ForkSentinel : IDisposable
{
    private readonly ProcFile _loadavg;
    private readonly byte[] _buffer = new byte[128];
    private int _lastPid = -1;

    private ForkSentinel(ProcFile loadavg) => _loadavg = loadavg;

    public static ForkSentinel Open(string procRoot = "/proc")
    {
        if (ProcFile.TryOpen($"{procRoot}/loadavg", out var file) != ProcReadStatus.Ok || file is null)
            throw new IOException($"cannot open {procRoot}/loadavg: process creation cannot be detected without it");
        return new ForkSentinel(file);
    }

    /// <summary>
    /// True when the last PID moved since the previous call (and on the first call, or when the file cannot be
    /// read or parsed: a false "no fork" would hide a new process, a false "fork" only costs one listing).
    /// </summary>
    public bool CheckForkedSinceLastCall()
    {
        if (_loadavg.TryRead(_buffer, out int length) != ProcReadStatus.Ok) return true;
        if (!LoadAvgParser.TryParseLastPid(_buffer.AsSpan(0, length), out int lastPid)) return true;
        bool moved = lastPid != _lastPid;
        _lastPid = lastPid;
        return moved;
    }

    public void Dispose() => _loadavg.Dispose();
}
