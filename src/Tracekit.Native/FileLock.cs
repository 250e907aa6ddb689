namespace Tracekit.Native;

/// <summary>
/// An advisory flock(2) on a file or a folder. A ring writer holds an exclusive one on its ring folder for
/// its lifetime; the kernel drops it when the process dies (SIGKILL included), which lets a reader tell a live
/// writer from a dead one without any pid bookkeeping.
/// </summary>
public sealed class FileLock : IDisposable
{
    private int _fd;

    private FileLock(string path, int fd)
    {
        Path = path;
        _fd = fd;
    }

    public string Path { get; }

    /// <summary>
    /// Takes an exclusive lock without blocking. Returns null when someone else holds a lock on the path.
    /// Short shared probes (<see cref="IsLockedByAnother"/>) are retried past for up to ~100 ms.
    /// </summary>
    public static FileLock? TryAcquireExclusive(string path)
    {
        int fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0) throw Libc.NewIOException("Opening (to lock)", path, Libc.LastErrno);
        for (int attempt = 0; attempt < 50; attempt++)
        {
            if (Libc.Flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) == 0) return new FileLock(path, fd);
            int errno = Libc.LastErrno;
            if (errno != Libc.EAGAIN)
            {
                Libc.Close(fd);
                throw Libc.NewIOException("Locking", path, errno);
            }
            Thread.Sleep(2);
        }
        Libc.Close(fd);
        return null;
    }

    /// <summary>
    /// True when another open file (in any process, this one included) holds an exclusive lock on the path.
    /// Costs an open, a flock and a close; false when the path does not exist.
    /// </summary>
    public static bool IsLockedByAnother(string path)
    {
        int fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0) return false;
        try
        {
            if (Libc.Flock(fd, Libc.LOCK_SH | Libc.LOCK_NB) == 0)
            {
                Libc.Flock(fd, Libc.LOCK_UN);
                return false;
            }
            return Libc.LastErrno == Libc.EAGAIN;
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1); // publishes nothing; makes a double Dispose close only once
        if (fd >= 0) Libc.Close(fd);
    }
}
