using Microsoft.Win32.SafeHandles;
using Tracekit.Native;

namespace Tracekit.Procfs;

/// <summary>
/// A /proc, /sys or cgroup file opened once and re-read with pread at offset 0. Such files report size 0 but the
/// kernel regenerates their text on every read from offset 0, so one pread is one fresh snapshot: no reopen, no
/// seek, no allocation. A kept fd of /proc/PID/... stays bound to that process: after it is reaped, reads fail
/// with ESRCH (reported as <see cref="ProcReadStatus.Vanished"/>) and never show a later process with the same PID.
/// </summary>
/// <remarks>
/// Reads go through Libc.TryPread rather than RandomAccess.Read: both issue one pread and allocate nothing on
/// success, but RandomAccess.Read throws IOException on ESRCH, and an exited process is routine here.
/// Not thread-safe: one sampler thread owns a ProcFile.
/// </remarks>
public sealed class ProcFile : IDisposable
{
    private readonly SafeFileHandle _handle;

    private ProcFile(SafeFileHandle handle)
    {
        _handle = handle;
    }

    /// <summary>errno of the last failed open or read (0 after a success).</summary>
    public int LastErrno { get; private set; }

    /// <summary>The kept descriptor, for callers that poll or pass it on; owned by this ProcFile.</summary>
    public SafeFileHandle Handle => _handle;

    /// <summary>Opens a NUL-terminated UTF-8 path (see <see cref="ProcPath"/>) without allocating a string.</summary>
    public static ProcReadStatus TryOpen(ReadOnlySpan<byte> nulTerminatedPath, out ProcFile? file, out int errno)
    {
        SafeFileHandle? handle = Libc.TryOpenReadOnly(nulTerminatedPath, out errno);
        file = handle is null ? null : new ProcFile(handle);
        return ProcErrors.FromErrno(errno);
    }

    /// <summary>Opens a path given as a string (node info, cgroup files: not the per-tick path).</summary>
    public static ProcReadStatus TryOpen(string path, out ProcFile? file)
    {
        Span<byte> pathBytes = stackalloc byte[4096]; // PATH_MAX
        int length = ProcPath.FromString(pathBytes, path);
        if (length < 0)
        {
            file = null;
            return ProcReadStatus.Error;
        }

        return TryOpen(pathBytes[..length], out file, out _);
    }

    /// <summary>Opens /proc/{pid}/{leaf}.</summary>
    public static ProcReadStatus TryOpenPid(int pid, ReadOnlySpan<byte> leaf, out ProcFile? file)
    {
        Span<byte> pathBytes = stackalloc byte[ProcPath.MaxProcPathBytes];
        int length = ProcPath.FormatPid(pathBytes, pid, leaf);
        if (length < 0)
        {
            file = null;
            return ProcReadStatus.Error;
        }

        return TryOpen(pathBytes[..length], out file, out _);
    }

    /// <summary>Opens /proc/{pid}/task/{tid}/{leaf}.</summary>
    public static ProcReadStatus TryOpenTask(int pid, int tid, ReadOnlySpan<byte> leaf, out ProcFile? file)
    {
        Span<byte> pathBytes = stackalloc byte[ProcPath.MaxProcPathBytes];
        int length = ProcPath.FormatTask(pathBytes, pid, tid, leaf);
        if (length < 0)
        {
            file = null;
            return ProcReadStatus.Error;
        }

        return TryOpen(pathBytes[..length], out file, out _);
    }

    /// <summary>
    /// One pread at offset 0 into <paramref name="buffer"/>. <paramref name="bytesRead"/> equal to buffer.Length
    /// means the content may have been cut: use a bigger buffer or <see cref="TryReadGrowing"/>.
    /// </summary>
    public ProcReadStatus TryRead(Span<byte> buffer, out int bytesRead)
    {
        if (_handle.IsClosed)
        {
            bytesRead = 0;
            LastErrno = Libc.ErrnoValues.EINVAL;
            return ProcReadStatus.Error;
        }

        bytesRead = Libc.TryPread(_handle, buffer, 0, out int errno);
        LastErrno = errno;
        if (bytesRead < 0)
        {
            bytesRead = 0;
            return ProcErrors.FromErrno(errno);
        }

        return ProcReadStatus.Ok;
    }

    /// <summary>
    /// Reads the whole file, doubling <paramref name="buffer"/> while a read fills it completely (up to
    /// <paramref name="maxSizeInBytes"/>). Allocates only when the file outgrows the buffer, e.g. /proc/stat on a
    /// machine with many CPUs, so the steady state is allocation-free.
    /// </summary>
    public ProcReadStatus TryReadGrowing(ref byte[] buffer, out int bytesRead, int maxSizeInBytes = 4 << 20)
    {
        while (true)
        {
            ProcReadStatus status = TryRead(buffer, out bytesRead);
            if (status != ProcReadStatus.Ok || bytesRead < buffer.Length)
            {
                return status;
            }

            if (buffer.Length >= maxSizeInBytes)
            {
                return ProcReadStatus.Malformed;
            }

            buffer = GrowBuffer(buffer.Length);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static byte[] GrowBuffer(int currentLength) => new byte[Math.Max(256, currentLength * 2)];

    public void Dispose() => _handle.Dispose();
}
