using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Tracekit.Opendc;

namespace Tracekit.Convert.Opendc;

/// <summary>
/// A scratch file that holds the fragments of tasks still open, so that memory does not grow with a task's length:
/// a process sampled at 100 Hz for a day has 8.6 M fragments (200 MB), and a run has many such tasks. A task keeps
/// only its last chunk in memory and appends full chunks here; its fragments are read back, in order, when it ends.
/// The file is unlinked as soon as it is open, so nothing is left behind even if the converter is killed. It sits in
/// the output folder rather than /tmp, which is often a tmpfs: spilling there would still cost RAM.
/// </summary>
public sealed class FragmentSpill : IDisposable
{
    /// <summary>Fragments per chunk: 1024 × 24 bytes keeps 200 open tasks under 5 MB while writes stay 24 KB.</summary>
    public const int ChunkFragments = 1024;

    private static readonly int ChunkSizeInBytes = ChunkFragments * Marshal.SizeOf<OpendcFragment>();

    private readonly FileStream _file;
    private readonly SafeFileHandle _handle;
    private long _lengthInBytes;

    public FragmentSpill(string directory)
    {
        string path = Path.Combine(directory, $".fragments-{Environment.ProcessId}-{Guid.NewGuid():N}.spill");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None };

        // Owner-only, like the rings: the scratch file holds the same measurements for as long as it exists.
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        _file = new FileStream(path, options);
        _handle = _file.SafeFileHandle;

        // Linux keeps an unlinked file alive while a descriptor holds it.
        File.Delete(path);
    }

    /// <summary>Bytes written so far (for the report and the tests).</summary>
    public long LengthInBytes => _lengthInBytes;

    /// <summary>Appends one full chunk; returns its offset for <see cref="ReadChunk"/>.</summary>
    public long WriteChunk(ReadOnlySpan<OpendcFragment> chunk)
    {
        if (chunk.Length != ChunkFragments) throw new ArgumentException($"a chunk holds exactly {ChunkFragments} fragments (got {chunk.Length})", nameof(chunk));
        long offset = _lengthInBytes;
        RandomAccess.Write(_handle, MemoryMarshal.AsBytes(chunk), offset);
        _lengthInBytes += ChunkSizeInBytes;
        return offset;
    }

    /// <summary>Reads the chunk written at <paramref name="offset"/> into <paramref name="destination"/> (ChunkFragments long).</summary>
    public void ReadChunk(long offset, Span<OpendcFragment> destination)
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(destination[..ChunkFragments]);
        int read = 0;
        while (read < bytes.Length)
        {
            int n = RandomAccess.Read(_handle, bytes[read..], offset + read);
            if (n == 0) throw new IOException($"fragment spill file ends at offset {offset + read}, inside the chunk written at offset {offset}");
            read += n;
        }
    }

    public void Dispose() => _file.Dispose();
}
