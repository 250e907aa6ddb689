using Tracekit.Native;

namespace Tracekit.Procfs;

/// <summary>
/// Outcome of opening or reading a /proc, /sys or cgroup file. None of these is exceptional on the sampling path:
/// processes exit between listing and reading, and other users' files may be closed to us.
/// </summary>
public enum ProcReadStatus : byte
{
    /// <summary>The read succeeded (and, for parsing readers, the content parsed).</summary>
    Ok = 0,

    /// <summary>The process, thread or cgroup is gone (ESRCH, ENOENT, ENODEV), or the file does not exist.</summary>
    Vanished = 1,

    /// <summary>EACCES or EPERM: another user's process, hidepid, or a restricted file such as /proc/PID/io.</summary>
    AccessDenied = 2,

    /// <summary>The content was read but did not parse (unexpected format, or cut short by a too small buffer).</summary>
    Malformed = 3,

    /// <summary>Any other errno; the reader's LastErrno says which.</summary>
    Error = 4,
}

/// <summary>Maps errno values to <see cref="ProcReadStatus"/>.</summary>
public static class ProcErrors
{
    /// <summary>
    /// After a process is reaped, reads of its kept /proc fds fail with ESRCH and opening its paths fails with
    /// ENOENT (measured on Linux 6.18); a removed cgroup's files give ENODEV. All three mean "gone".
    /// </summary>
    public static ProcReadStatus FromErrno(int errno) => errno switch
    {
        0 => ProcReadStatus.Ok,
        Libc.ErrnoValues.ESRCH or Libc.ErrnoValues.ENOENT or Libc.ErrnoValues.ENODEV => ProcReadStatus.Vanished,
        Libc.ErrnoValues.EACCES or Libc.ErrnoValues.EPERM => ProcReadStatus.AccessDenied,
        _ => ProcReadStatus.Error,
    };
}
