using Tracekit.Procfs;

namespace Tracekit.Collector.Recording;

/// <summary>A live process is (PID, start time): the start time tells a reused PID from the process that held it.</summary>
public static class ProcessIdentity
{
    public static bool TryReadStartTicks(int pid, out ulong startTicks)
    {
        startTicks = 0;
        if (ProcFile.TryOpenPid(pid, "stat"u8, out var file) != ProcReadStatus.Ok || file is null) return false;
        using (file)
        {
            Span<byte> buffer = stackalloc byte[1024];
            if (file.TryRead(buffer, out int length) != ProcReadStatus.Ok) return false;
            if (!PidStatParser.TryParse(buffer[..length], out var stat)) return false;
            // A zombie has finished; only its exit status waits to be collected.
            if (stat.State is (byte)'Z' or (byte)'X') return false;
            startTicks = stat.StartTimeTicks;
            return true;
        }
    }
}
