using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Tracekit.Native;

/// <summary>
/// File and process primitives for the /proc sampler. Every call reports failure as an errno value instead of
/// throwing: on the sampling path a vanished process is routine, and an exception per exit would allocate.
/// </summary>
public static partial class Libc
{
    /// <summary>errno values the /proc layer tells apart (Linux numbering, identical on x86-64 and arm64).</summary>
    public static class ErrnoValues
    {
        public const int EPERM = 1;
        public const int ENOENT = 2;
        public const int ESRCH = 3;
        public const int EINTR = 4;
        public const int EAGAIN = 11;
        public const int EACCES = 13;
        public const int ENODEV = 19;
        public const int ENOTDIR = 20;
        public const int EINVAL = 22;
        public const int ENOSYS = 38;
    }

    private const int ProcOpenReadOnlyCloexecFlags = 0x80000; // O_RDONLY | O_CLOEXEC
    private const int ProcOpenDirectoryFlags = 0x80000 | 0x10000; // O_RDONLY | O_CLOEXEC | O_DIRECTORY
    private const int ProcSeekSet = 0;
    private const long SysPidfdOpen = 434; // same number on every architecture since Linux 5.3
    private const int ProcessCpuClockSched = 2; // CPUCLOCK_SCHED: the scheduler's ns runtime, not tick samples

    [StructLayout(LayoutKind.Sequential)]
    private struct PidClockTimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static partial SafeFileHandle OpenPathNative(ReadOnlySpan<byte> nulTerminatedPath, int flags);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static unsafe partial nint PreadNative(SafeHandle fd, byte* buffer, nuint count, long offsetInBytes);

    [LibraryImport("libc", EntryPoint = "getdents64", SetLastError = true)]
    private static unsafe partial nint GetDents64Native(SafeHandle fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long LseekNative(SafeHandle fd, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTimeForCpuClockNative(int clockId, out PidClockTimeSpec time);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial nint SyscallPidfdOpenNative(long number, nint pid, nint flags);

    /// <summary>
    /// open(2) read-only with O_CLOEXEC. <paramref name="nulTerminatedPath"/> must end with a 0 byte, so callers can
    /// format "/proc/PID/stat" into a stack buffer and open it without allocating a string.
    /// Returns null and the errno on failure.
    /// </summary>
    public static SafeFileHandle? TryOpenReadOnly(ReadOnlySpan<byte> nulTerminatedPath, out int errno) =>
        OpenChecked(nulTerminatedPath, ProcOpenReadOnlyCloexecFlags, out errno);

    /// <summary>open(2) of a directory (O_DIRECTORY) for <see cref="TryReadDirectoryEntries"/>.</summary>
    public static SafeFileHandle? TryOpenDirectory(ReadOnlySpan<byte> nulTerminatedPath, out int errno) =>
        OpenChecked(nulTerminatedPath, ProcOpenDirectoryFlags, out errno);

    private static SafeFileHandle? OpenChecked(ReadOnlySpan<byte> nulTerminatedPath, int flags, out int errno)
    {
        if (nulTerminatedPath.IsEmpty || nulTerminatedPath[^1] != 0)
        {
            errno = ErrnoValues.EINVAL;
            return null;
        }

        SafeFileHandle handle = OpenPathNative(nulTerminatedPath, flags);
        if (handle.IsInvalid)
        {
            errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            return null;
        }

        errno = 0;
        return handle;
    }

    /// <summary>
    /// pread(2): reads up to buffer.Length bytes at <paramref name="offsetInBytes"/>. /proc files report size 0 yet
    /// regenerate their content on every read at offset 0, so one pread is one fresh sample.
    /// Returns the byte count (0 = end of file) or -1 with <paramref name="errno"/> set. EINTR is retried.
    /// </summary>
    public static unsafe int TryPread(SafeHandle fd, Span<byte> buffer, long offsetInBytes, out int errno)
    {
        fixed (byte* bufferPointer = buffer)
        {
            while (true)
            {
                nint bytesRead = PreadNative(fd, bufferPointer, (nuint)buffer.Length, offsetInBytes);
                if (bytesRead >= 0)
                {
                    errno = 0;
                    return (int)bytesRead;
                }

                errno = Marshal.GetLastPInvokeError();
                if (errno != ErrnoValues.EINTR)
                {
                    return -1;
                }
            }
        }
    }

    /// <summary>
    /// getdents64(2) into <paramref name="buffer"/> (linux_dirent64 records). Returns bytes filled, 0 at the end,
    /// or -1 with errno. Use <see cref="TryRewindDirectory"/> to list the same directory again later.
    /// </summary>
    public static unsafe int TryReadDirectoryEntries(SafeHandle directory, Span<byte> buffer, out int errno)
    {
        fixed (byte* bufferPointer = buffer)
        {
            nint filled = GetDents64Native(directory, bufferPointer, (nuint)buffer.Length);
            errno = filled < 0 ? Marshal.GetLastPInvokeError() : 0;
            return (int)filled;
        }
    }

    /// <summary>lseek(fd, 0, SEEK_SET): restarts a directory listing without reopening it.</summary>
    public static bool TryRewindDirectory(SafeHandle directory, out int errno)
    {
        long position = LseekNative(directory, 0, ProcSeekSet);
        errno = position < 0 ? Marshal.GetLastPInvokeError() : 0;
        return position == 0;
    }

    /// <summary>
    /// The clock id of a process's CPU-time clock, as clock_getcpuclockid(3) computes it: the PID is encoded in the
    /// id, so no file descriptor is needed. Note the id names a PID, not a process: see
    /// <see cref="TryGetProcessCpuTimeNs"/> about PID reuse.
    /// </summary>
    public static int ProcessCpuClockId(int pid) => (~pid << 3) | ProcessCpuClockSched;

    /// <summary>
    /// CPU time in ns of every thread of process <paramref name="pid"/>, live and exited ones (the kernel keeps the
    /// runtime of exited threads in the signal struct). Works for any process in our PID namespace without
    /// privileges. Fails with EINVAL once the process has been reaped. The id is a PID, so a caller must confirm
    /// afterwards that the PID still names the same process (a pidfd or a kept /proc fd does).
    /// </summary>
    public static bool TryGetProcessCpuTimeNs(int pid, out long cpuTimeNs, out int errno) =>
        TryGetCpuClockNs(ProcessCpuClockId(pid), out cpuTimeNs, out errno);

    /// <summary>CPU time in ns of the calling thread (CLOCK_THREAD_CPUTIME_ID); exact, includes the running slice.</summary>
    public static long GetCurrentThreadCpuTimeNs()
    {
        const int ClockThreadCpuTimeId = 3;
        return TryGetCpuClockNs(ClockThreadCpuTimeId, out long cpuTimeNs, out _) ? cpuTimeNs : -1;
    }

    private static bool TryGetCpuClockNs(int clockId, out long cpuTimeNs, out int errno)
    {
        if (ClockGetTimeForCpuClockNative(clockId, out PidClockTimeSpec time) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            cpuTimeNs = 0;
            return false;
        }

        errno = 0;
        cpuTimeNs = (time.Seconds * 1_000_000_000) + time.Nanoseconds;
        return true;
    }

    /// <summary>
    /// pidfd_open(2): a descriptor bound to this very process, which becomes readable (POLLIN) when it exits.
    /// Unlike the PID number it can never come to name another process. Returns null and errno on failure
    /// (ESRCH: already reaped; ENOSYS: kernel older than 5.3).
    /// </summary>
    public static SafeFileHandle? TryOpenPidfd(int pid, out int errno)
    {
        nint fd = SyscallPidfdOpenNative(SysPidfdOpen, pid, 0);
        if (fd < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }

        errno = 0;
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    private const int EpollCloexecFlag = 0x80000;
    private const int EpollCtlAdd = 1;
    private const int EpollCtlDelete = 2;
    private const uint EpollIn = 0x1;

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreateNative(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static unsafe partial int EpollCtlNative(SafeHandle epoll, int operation, SafeHandle fd, byte* epollEvent);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static unsafe partial int EpollWaitNative(SafeHandle epoll, byte* events, int maxEvents, int timeoutMs);

    // struct epoll_event is packed on x86-64 (12 bytes) and naturally aligned elsewhere (16 bytes).
    private static int EpollEventSizeInBytes => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static int EpollDataOffsetInBytes => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    /// <summary>epoll_create1(EPOLL_CLOEXEC). Returns null and errno on failure.</summary>
    public static SafeFileHandle? TryCreateEpoll(out int errno)
    {
        int fd = EpollCreateNative(EpollCloexecFlag);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Watches <paramref name="fd"/> for readability; <paramref name="token"/> comes back from the wait.</summary>
    public static unsafe bool TryEpollAddReadable(SafeHandle epoll, SafeHandle fd, ulong token, out int errno)
    {
        byte* epollEvent = stackalloc byte[16];
        *(uint*)epollEvent = EpollIn;
        *(ulong*)(epollEvent + EpollDataOffsetInBytes) = token;
        int rc = EpollCtlNative(epoll, EpollCtlAdd, fd, epollEvent);
        errno = rc < 0 ? Marshal.GetLastPInvokeError() : 0;
        return rc == 0;
    }

    /// <summary>Stops watching <paramref name="fd"/> (closing the fd also does, once no duplicate is left).</summary>
    public static unsafe bool TryEpollRemove(SafeHandle epoll, SafeHandle fd, out int errno)
    {
        byte* epollEvent = stackalloc byte[16];
        int rc = EpollCtlNative(epoll, EpollCtlDelete, fd, epollEvent);
        errno = rc < 0 ? Marshal.GetLastPInvokeError() : 0;
        return rc == 0;
    }

    /// <summary>
    /// epoll_wait without blocking: copies the tokens of ready descriptors into <paramref name="readyTokens"/>
    /// (at most 64 per call) and returns their count, or -1 with errno. EINTR is reported as 0 ready.
    /// </summary>
    public static unsafe int TryEpollPollTokens(SafeHandle epoll, Span<ulong> readyTokens, out int errno)
    {
        const int MaxEventsPerCall = 64;
        int maxEvents = Math.Min(readyTokens.Length, MaxEventsPerCall);
        if (maxEvents == 0)
        {
            errno = 0;
            return 0;
        }

        int stride = EpollEventSizeInBytes;
        byte* events = stackalloc byte[MaxEventsPerCall * 16];
        int ready = EpollWaitNative(epoll, events, maxEvents, 0);
        if (ready < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return errno == ErrnoValues.EINTR ? 0 : -1;
        }

        for (int i = 0; i < ready; i++)
        {
            readyTokens[i] = *(ulong*)(events + (i * stride) + EpollDataOffsetInBytes);
        }

        errno = 0;
        return ready;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PidfdPollEntry
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int PollPidfdNative(ref PidfdPollEntry entry, nuint count, int timeoutMs);

    /// <summary>
    /// poll(2) without blocking: 1 when <paramref name="fd"/> is readable (for a pidfd: the process has exited),
    /// 0 when not, -1 with errno on failure.
    /// </summary>
    public static int TryPollReadable(SafeHandle fd, out int errno)
    {
        bool added = false;
        try
        {
            // The raw fd goes into a struct, so the SafeHandle marshaller cannot protect it: hold a reference
            // ourselves so a concurrent Dispose cannot close (and let the kernel reuse) the number mid-call.
            fd.DangerousAddRef(ref added);
            var entry = new PidfdPollEntry { Fd = (int)fd.DangerousGetHandle(), Events = (short)EpollIn };
            int ready = PollPidfdNative(ref entry, 1, 0);
            errno = ready < 0 ? Marshal.GetLastPInvokeError() : 0;
            // A pidfd signals exit with POLLIN, and adds POLLHUP once reaped: any event means "exited".
            return ready < 0 ? -1 : (ready > 0 && entry.ReturnedEvents != 0 ? 1 : 0);
        }
        finally
        {
            if (added)
            {
                fd.DangerousRelease();
            }
        }
    }
}
