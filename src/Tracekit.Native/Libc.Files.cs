using System.Runtime.InteropServices;

namespace Tracekit.Native;

public static partial class Libc
{
    // Linux generic values, identical on x86-64 and arm64.
    internal const int O_RDONLY = 0x0;
    internal const int O_RDWR = 0x2;
    internal const int O_CREAT = 0x40;
    internal const int O_EXCL = 0x80;
    internal const int O_CLOEXEC = 0x80000;
    internal const int SEEK_END = 2;
    internal const int LOCK_SH = 1;
    internal const int LOCK_EX = 2;
    internal const int LOCK_NB = 4;
    internal const int LOCK_UN = 8;

    // open(2) is variadic in C; passing mode as a third int is how every LP64 binding calls it.
    [LibraryImport(LibraryName, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenImport(string path, int flags, uint mode);

    [LibraryImport(LibraryName, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [LibraryImport(LibraryName, EntryPoint = "fallocate", SetLastError = true)]
    private static partial int FallocateImport(int fd, int mode, long offset, long length);

    [LibraryImport(LibraryName, EntryPoint = "fchmod", SetLastError = true)]
    internal static partial int Fchmod(int fd, uint mode);

    [LibraryImport(LibraryName, EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Link(string existingPath, string newPath);

    [LibraryImport(LibraryName, EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Unlink(string path);

    [LibraryImport(LibraryName, EntryPoint = "flock", SetLastError = true)]
    private static partial int FlockImport(int fd, int operation);

    [LibraryImport(LibraryName, EntryPoint = "lseek", SetLastError = true)]
    internal static partial long Lseek(int fd, long offset, int whence);

    [LibraryImport(LibraryName, EntryPoint = "pwrite", SetLastError = true)]
    private static unsafe partial nint PwriteImport(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport(LibraryName, EntryPoint = "statvfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int StatvfsImport(string path, byte* buffer);

    /// <summary>open(2), retried on EINTR. Returns the descriptor or -1 (errno in <see cref="LastErrno"/>).</summary>
    internal static int Open(string path, int flags, uint mode)
    {
        int fd;
        do { fd = OpenImport(path, flags, mode); } while (fd < 0 && LastErrno == EINTR);
        return fd;
    }

    /// <summary>fallocate(2) with mode 0 (allocate and extend), retried on EINTR.</summary>
    internal static int Fallocate(int fd, long offset, long length)
    {
        int rc;
        do { rc = FallocateImport(fd, 0, offset, length); } while (rc < 0 && LastErrno == EINTR);
        return rc;
    }

    /// <summary>flock(2), retried on EINTR.</summary>
    internal static int Flock(int fd, int operation)
    {
        int rc;
        do { rc = FlockImport(fd, operation); } while (rc < 0 && LastErrno == EINTR);
        return rc;
    }

    /// <summary>
    /// Writes zeros over [offset, offset+length): the fallback reservation for file systems without fallocate.
    /// Returns 0 or -1 with errno set.
    /// </summary>
    internal static unsafe int WriteZeros(int fd, long offset, long length)
    {
        byte[] zeros = new byte[1 << 20];
        fixed (byte* p = zeros)
        {
            while (length > 0)
            {
                nuint chunk = (nuint)Math.Min(length, zeros.Length);
                nint written = PwriteImport(fd, p, chunk, offset);
                if (written < 0)
                {
                    if (LastErrno == EINTR) continue;
                    return -1;
                }
                offset += written;
                length -= written;
            }
        }
        return 0;
    }

    /// <summary>
    /// Bytes an unprivileged writer can still allocate on the file system holding <paramref name="path"/>
    /// (statvfs f_bavail × f_frsize), or -1 when it cannot be determined.
    /// </summary>
    public static unsafe long GetAvailableFreeSpaceInBytes(string path)
    {
        // struct statvfs on LP64 Linux: f_bsize@0, f_frsize@8, f_blocks@16, f_bfree@24, f_bavail@32, … 112 bytes.
        byte* buffer = stackalloc byte[256];
        new Span<byte>(buffer, 256).Clear();
        if (StatvfsImport(path, buffer) != 0) return -1;
        ulong fragmentSize = *(ulong*)(buffer + 8);
        ulong availableBlocks = *(ulong*)(buffer + 32);
        ulong bytes = fragmentSize * availableBlocks;
        return bytes > long.MaxValue ? long.MaxValue : (long)bytes;
    }
}
