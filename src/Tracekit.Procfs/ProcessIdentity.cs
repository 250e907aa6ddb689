namespace Tracekit.Procfs;

/// <summary>
/// A live process is (PID, start time): the start time (/proc/PID/stat field 22, in clock ticks) tells a reused
/// PID from the process that held it. The one reader of /proc/PID/stat for identity and state.
/// <para>Zombies: a zombie (state Z) or dead (X) process has exited; only its exit status waits to be collected.
/// It has no identity here: <see cref="TryReadStartTicks"/> is false for it, so Tracekit never attaches to,
/// registers or signals one, and a registration whose process became a zombie is stale.</para>
/// </summary>
public static class ProcessIdentity
{
    public const string DefaultProcRoot = "/proc";

    /// <summary>The start ticks of a live (not zombie) process; false when it is gone, a zombie, or unreadable.</summary>
    public static bool TryReadStartTicks(int pid, out ulong startTicks, string procRoot = DefaultProcRoot)
    {
        startTicks = 0;
        if (!TryReadStat(pid, out var stat, procRoot) || IsZombie(stat.State)) return false;
        startTicks = stat.StartTimeTicks;
        return true;
    }

    /// <summary><see cref="TryReadStartTicks"/> as a nullable value.</summary>
    public static ulong? StartTicks(int pid, string procRoot = DefaultProcRoot) =>
        TryReadStartTicks(pid, out ulong ticks, procRoot) ? ticks : null;

    /// <summary>The state letter of /proc/PID/stat (R, S, T, Z, …); 0 when the process is gone or unreadable.</summary>
    public static byte State(int pid, string procRoot = DefaultProcRoot) => TryReadStat(pid, out var stat, procRoot) ? stat.State : (byte)0;

    public static bool IsZombie(byte state) => state is (byte)'Z' or (byte)'X';

    private static bool TryReadStat(int pid, out PidStat stat, string procRoot)
    {
        stat = default;
        try
        {
            using var handle = File.OpenHandle(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{procRoot}/{pid}/stat"));
            // One line with a comm of at most 15 bytes: 1 KiB holds it with room to spare.
            Span<byte> buffer = stackalloc byte[1024];
            int length = RandomAccess.Read(handle, buffer, 0);
            return PidStatParser.TryParse(buffer[..length], out stat);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
