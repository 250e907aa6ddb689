using System.Buffers.Text;
using System.Text;

namespace Tracekit.Procfs;

/// <summary>
/// Builds NUL-terminated UTF-8 paths such as "/proc/123/task/124/schedstat" in a caller's buffer, so that opening
/// a file for a newly seen process or thread does not allocate a string.
/// </summary>
public static class ProcPath
{
    /// <summary>Enough for any /proc/PID/task/TID/leaf path this library builds.</summary>
    public const int MaxProcPathBytes = 96;

    /// <summary>Writes "/proc/{pid}/{leaf}\0"; returns the length including the NUL, or -1 if it does not fit.</summary>
    public static int FormatPid(Span<byte> destination, int pid, ReadOnlySpan<byte> leaf)
    {
        var writer = new PathWriter(destination);
        writer.Append("/proc/"u8);
        writer.Append(pid);
        writer.Append("/"u8);
        writer.Append(leaf);
        return writer.Finish();
    }

    /// <summary>Writes "/proc/{pid}/task/{tid}/{leaf}\0"; returns the length including the NUL, or -1.</summary>
    public static int FormatTask(Span<byte> destination, int pid, int tid, ReadOnlySpan<byte> leaf)
    {
        var writer = new PathWriter(destination);
        writer.Append("/proc/"u8);
        writer.Append(pid);
        writer.Append("/task/"u8);
        writer.Append(tid);
        writer.Append("/"u8);
        writer.Append(leaf);
        return writer.Finish();
    }

    /// <summary>Writes <paramref name="path"/> as UTF-8 plus a NUL; returns the length including the NUL, or -1.</summary>
    public static int FromString(Span<byte> destination, ReadOnlySpan<char> path)
    {
        if (path.IndexOf('\0') >= 0 || Encoding.UTF8.GetByteCount(path) >= destination.Length)
        {
            return -1;
        }

        int written = Encoding.UTF8.GetBytes(path, destination);
        destination[written] = 0;
        return written + 1;
    }

    private ref struct PathWriter
    {
        private readonly Span<byte> _destination;
        private int _length;
        private bool _overflowed;

        public PathWriter(Span<byte> destination)
        {
            _destination = destination;
        }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (_overflowed || !bytes.TryCopyTo(_destination[_length..]))
            {
                _overflowed = true;
                return;
            }

            _length += bytes.Length;
        }

        public void Append(int number)
        {
            if (_overflowed || !Utf8Formatter.TryFormat(number, _destination[_length..], out int written))
            {
                _overflowed = true;
                return;
            }

            _length += written;
        }

        public int Finish()
        {
            if (_overflowed || _length >= _destination.Length)
            {
                return -1;
            }

            _destination[_length] = 0;
            return _length + 1;
        }
    }
}
