using System.Runtime.InteropServices;

namespace Tracekit.Native;

/// <summary>
/// Thin P/Invoke layer over the Linux C library. The raw imports are private or internal; the public members
/// are small safe wrappers. The class is split by concern over several <c>Libc.*.cs</c> files.
/// Only 64-bit Linux (x86-64, arm64) is supported: struct layouts below assume LP64 glibc or musl.
/// </summary>
public static partial class Libc
{
    internal const string LibraryName = "libc";

    internal const int ENOENT = 2;
    internal const int EINTR = 4;
    internal const int EAGAIN = 11; // == EWOULDBLOCK on Linux
    internal const int EEXIST = 17;
    internal const int EFBIG = 27;
    internal const int ENOSPC = 28;
    internal const int EOPNOTSUPP = 95;
    internal const int EDQUOT = 122;

    /// <summary>The errno of the last failed P/Invoke on this thread (needs SetLastError = true on the import).</summary>
    internal static int LastErrno => Marshal.GetLastPInvokeError();

    /// <summary>The C library's description of an errno value, e.g. "No space left on device".</summary>
    public static string DescribeErrno(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    internal static IOException NewIOException(string action, string path, int errno) =>
        new($"{action} '{path}' failed: {DescribeErrno(errno)} (errno {errno}).", errno);
}
