using Microsoft.Win32.SafeHandles;
using Tracekit.Native;

namespace Tracekit.Procfs;

/// <summary>
/// One epoll set over the pidfds of all tracked processes: a single non-blocking epoll_wait per tick reports every
/// process that exited, instead of one poll per process. Level-triggered: an exited process is reported on every
/// poll until it is removed (or its pidfd closed).
/// </summary>
/// <remarks>
/// Also the confirmation step for <see cref="ProcessCpuReader.TryReadCpuTimeNsUnconfirmed"/>: read every
/// process's clock first, then poll once; a process not reported had not exited after its read, so its PID could
/// not have been reused yet and the value was its own.
/// </remarks>
public sealed class ProcessExitWatcher : IDisposable
{
    private readonly SafeFileHandle _epoll;

    private ProcessExitWatcher(SafeFileHandle epoll)
    {
        _epoll = epoll;
    }

    public int LastErrno { get; private set; }

    public static ProcessExitWatcher? TryCreate(out int errno)
    {
        SafeFileHandle? epoll = Libc.TryCreateEpoll(out errno);
        return epoll is null ? null : new ProcessExitWatcher(epoll);
    }

    /// <summary>Watches a pidfd; <paramref name="token"/> (e.g. a slot index) is what <see cref="PollExited"/> returns.</summary>
    public bool TryAdd(SafeFileHandle pidfd, ulong token)
    {
        bool added = Libc.TryEpollAddReadable(_epoll, pidfd, token, out int errno);
        LastErrno = errno;
        return added;
    }

    public bool TryRemove(SafeFileHandle pidfd)
    {
        bool removed = Libc.TryEpollRemove(_epoll, pidfd, out int errno);
        LastErrno = errno;
        return removed;
    }

    /// <summary>
    /// Fills <paramref name="exitedTokens"/> with tokens of exited processes (at most 64 per call; call again
    /// while it returns a full span). Returns the count, or -1 on failure (see <see cref="LastErrno"/>).
    /// </summary>
    public int PollExited(Span<ulong> exitedTokens)
    {
        int ready = Libc.TryEpollPollTokens(_epoll, exitedTokens, out int errno);
        LastErrno = errno;
        return ready;
    }

    public void Dispose() => _epoll.Dispose();
}
