using System.Runtime.InteropServices;

namespace Tracekit.Native;

/// <summary>statx(2) of an open fd, for the one field the sampler needs: the link count.</summary>
public static partial class Libc
{
    private const int AtEmptyPath = 0x1000;
    private const uint StatxNlink = 0x4;
    /// <summary>struct statx is 256 bytes on every architecture; stx_nlink is the u32 at offset 16.</summary>
    private const int StatxSizeInBytes = 256;
    private const int StatxNlinkOffset = 16;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static unsafe partial int StatxNative(SafeHandle dirfd, ReadOnlySpan<byte> nulTerminatedPath, int flags, uint mask, byte* buffer);

    /// <summary>
    /// st_nlink of an open file. For a kept /proc/PID/task fd the kernel computes it on every call as 2 + the
    /// process's live thread count, which makes it a sub-µs thread counter that needs no /proc/PID/stat parse.
    /// </summary>
    public static unsafe bool TryGetLinkCount(SafeHandle fd, out uint linkCount, out int errno)
    {
        byte* buffer = stackalloc byte[StatxSizeInBytes];
        // An empty path with AT_EMPTY_PATH means "the fd itself"; the span holds the NUL so its pointer is never null.
        if (StatxNative(fd, "\0"u8, AtEmptyPath, StatxNlink, buffer) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            linkCount = 0;
            return false;
        }

        errno = 0;
        linkCount = *(uint*)(buffer + StatxNlinkOffset);
        return true;
    }
}
