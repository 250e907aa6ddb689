using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Tracekit.Native;

/// <summary>
/// inotify(7), used to learn that a watched folder changed without listing it every tick: an event is queued by the
/// syscall that changed the folder before that syscall returns, so "no event" proves "no change since the last read".
/// </summary>
public static partial class Libc
{
    private const int InotifyNonBlockCloexec = 0x800 | 0x80000; // IN_NONBLOCK | IN_CLOEXEC
    /// <summary>IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF.</summary>
    private const uint InotifyEntryChangeMask = 0x100 | 0x200 | 0x40 | 0x80 | 0x400 | 0x800;

    [LibraryImport("libc", EntryPoint = "inotify_init1", SetLastError = true)]
    private static partial SafeFileHandle InotifyInitNative(int flags);

    [LibraryImport("libc", EntryPoint = "inotify_add_watch", SetLastError = true)]
    private static partial int InotifyAddWatchNative(SafeHandle fd, ReadOnlySpan<byte> nulTerminatedPath, uint mask);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadNative(SafeHandle fd, byte* buffer, nuint count);

    /// <summary>
    /// A non-blocking inotify fd watching <paramref name="nulTerminatedPath"/> for entries created, deleted or moved.
    /// Returns null with errno (EMFILE/ENOSPC when the user's inotify limits are reached): callers then list every tick.
    /// </summary>
    public static SafeFileHandle? TryWatchDirectoryEntries(ReadOnlySpan<byte> nulTerminatedPath, out int errno)
    {
        if (nulTerminatedPath.IsEmpty || nulTerminatedPath[^1] != 0)
        {
            errno = ErrnoValues.EINVAL;
            return null;
        }

        SafeFileHandle fd = InotifyInitNative(InotifyNonBlockCloexec);
        if (fd.IsInvalid)
        {
            errno = Marshal.GetLastPInvokeError();
            fd.Dispose();
            return null;
        }

        if (InotifyAddWatchNative(fd, nulTerminatedPath, InotifyEntryChangeMask) < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            fd.Dispose();
            return null;
        }

        errno = 0;
        return fd;
    }

    /// <summary>
    /// Drains the inotify fd. Returns 1 when at least one event (or a queue overflow) was pending, 0 when none was,
    /// -1 with errno on an error. The events themselves are not parsed: any change means "list the folder again".
    /// </summary>
    public static unsafe int TryDrainNotifications(SafeHandle inotify, Span<byte> scratch, out int errno)
    {
        int result = 0;
        fixed (byte* buffer = scratch)
        {
            while (true)
            {
                nint bytesRead = ReadNative(inotify, buffer, (nuint)scratch.Length);
                if (bytesRead > 0)
                {
                    result = 1;
                    continue;
                }

                errno = bytesRead == 0 ? 0 : Marshal.GetLastPInvokeError();
                if (bytesRead < 0 && errno == ErrnoValues.EINTR) continue;
                if (bytesRead < 0 && errno == ErrnoValues.EAGAIN)
                {
                    errno = 0;
                    return result;
                }

                return bytesRead == 0 ? result : -1;
            }
        }
    }
}
