using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using Tracekit.Native;

namespace Tracekit.Procfs;

/// <summary>
/// A kept directory descriptor listed again and again with getdents64 (rewound by lseek), for /proc (PIDs) and
/// /proc/PID/task (TIDs). Listing fills a caller's int span, so rescans allocate nothing. A kept /proc/PID/task fd
/// stays bound to its process: after the process is reaped the listing is empty or fails, never another process's.
/// </summary>
public sealed class ProcDirectory : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly byte[] _entryBuffer = new byte[16 * 1024];

    private ProcDirectory(SafeFileHandle handle)
    {
        _handle = handle;
    }

    public int LastErrno { get; private set; }

    public static ProcReadStatus TryOpen(string path, out ProcDirectory? directory)
    {
        Span<byte> pathBytes = stackalloc byte[4096]; // PATH_MAX
        return OpenChecked(pathBytes, ProcPath.FromString(pathBytes, path), out directory);
    }

    /// <summary>Opens /proc/{pid}/task without allocating a path string.</summary>
    public static ProcReadStatus TryOpenTasks(int pid, out ProcDirectory? directory)
    {
        Span<byte> pathBytes = stackalloc byte[ProcPath.MaxProcPathBytes];
        return OpenChecked(pathBytes, ProcPath.FormatPid(pathBytes, pid, "task"u8), out directory);
    }

    private static ProcReadStatus OpenChecked(ReadOnlySpan<byte> pathBytes, int length, out ProcDirectory? directory)
    {
        directory = null;
        if (length < 0)
        {
            return ProcReadStatus.Error;
        }

        SafeFileHandle? handle = Libc.TryOpenDirectory(pathBytes[..length], out int errno);
        if (handle is null)
        {
            return ProcErrors.FromErrno(errno);
        }

        directory = new ProcDirectory(handle);
        return ProcReadStatus.Ok;
    }

    /// <summary>
    /// Lists the entries whose names are positive decimal numbers (PIDs, TIDs) into <paramref name="ids"/>.
    /// <paramref name="count"/> is the number found, which may exceed ids.Length (only the first ids.Length are
    /// stored): the caller grows its span and lists again.
    /// </summary>
    public ProcReadStatus TryListNumericEntries(Span<int> ids, out int count)
    {
        count = 0;
        if (!Libc.TryRewindDirectory(_handle, out int errno))
        {
            LastErrno = errno;
            return ProcErrors.FromErrno(errno);
        }

        while (true)
        {
            int filled = Libc.TryReadDirectoryEntries(_handle, _entryBuffer, out errno);
            LastErrno = errno;
            if (filled < 0)
            {
                return ProcErrors.FromErrno(errno);
            }

            if (filled == 0)
            {
                return ProcReadStatus.Ok;
            }

            if (!CollectNumericNames(_entryBuffer.AsSpan(0, filled), ids, ref count))
            {
                return ProcReadStatus.Malformed;
            }
        }
    }

    // linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, char d_name[] (NUL-terminated).
    private static bool CollectNumericNames(ReadOnlySpan<byte> records, Span<int> ids, ref int count)
    {
        const int NameOffset = 19;
        int offset = 0;
        while (offset + NameOffset < records.Length)
        {
            int recordLength = BinaryPrimitives.ReadUInt16LittleEndian(records.Slice(offset + 16, 2));
            if (recordLength <= NameOffset || offset + recordLength > records.Length)
            {
                return false;
            }

            ReadOnlySpan<byte> name = records.Slice(offset + NameOffset, recordLength - NameOffset);
            int terminator = name.IndexOf((byte)0);
            if (terminator >= 0)
            {
                name = name[..terminator];
            }

            if (AsciiScan.TryParseUInt64(name, out ulong id) && id is > 0 and <= int.MaxValue)
            {
                if (count < ids.Length)
                {
                    ids[count] = (int)id;
                }

                count++;
            }

            offset += recordLength;
        }

        return true;
    }

    public void Dispose() => _handle.Dispose();
}
