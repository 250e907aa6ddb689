using System.Runtime.InteropServices;

namespace Tracekit.Native;

public static partial class Libc
{
    internal const int PROT_READ = 0x1;
    internal const int PROT_WRITE = 0x2;
    internal const int MAP_SHARED = 0x01;
    internal const int MS_ASYNC = 1;
    internal const int MS_SYNC = 4;
    internal const int MADV_NORMAL = 0;
    internal const int MADV_RANDOM = 1;
    internal const int MADV_DONTNEED = 4;
    internal const int MADV_POPULATE_WRITE = 23; // Linux 5.14+
    internal static readonly nint MapFailed = -1;

    [LibraryImport(LibraryName, EntryPoint = "mmap", SetLastError = true)]
    internal static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport(LibraryName, EntryPoint = "munmap", SetLastError = true)]
    internal static partial int Munmap(nint address, nuint length);

    [LibraryImport(LibraryName, EntryPoint = "msync", SetLastError = true)]
    internal static partial int Msync(nint address, nuint length, int flags);

    [LibraryImport(LibraryName, EntryPoint = "madvise", SetLastError = true)]
    internal static partial int Madvise(nint address, nuint length, int advice);
}
