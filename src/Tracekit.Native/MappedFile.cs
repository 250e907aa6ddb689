using System.Runtime.CompilerServices;

namespace Tracekit.Native;

/// <summary>Fills a new mapping (e.g. writes a header) before the file becomes visible under its final name.</summary>
public delegate void MappingInitializer(Span<byte> mapping);

/// <summary>
/// A whole file mapped with MAP_SHARED. Writable mappings are created with their space preallocated
/// (fallocate), so stores into them can never raise SIGBUS for lack of disk; read-only mappings come from
/// <see cref="OpenReadOnly"/> and can never modify the file (PROT_READ).
/// Callers must not use spans or refs obtained from an instance after disposing it.
/// </summary>
public sealed unsafe class MappedFile : IDisposable
{
    /// <summary>Largest mapping: 1 GiB of data plus a 4 KiB header, so an int-length span covers it.</summary>
    public const long MaxLengthInBytes = (1L << 30) + 4096;

    private nint _address;
    private readonly int _length;

    private MappedFile(string path, nint address, int length, long fileLengthInBytes, bool writable)
    {
        Path = path;
        _address = address;
        _length = length;
        FileLengthInBytes = fileLengthInBytes;
        IsWritable = writable;
    }

    public string Path { get; }

    /// <summary>Mapped bytes (may be less than the file when a read-only mapping was capped).</summary>
    public int Length => _length;

    /// <summary>The file's length when it was opened.</summary>
    public long FileLengthInBytes { get; }

    public bool IsWritable { get; }

    public bool IsDisposed { get; private set; }

    /// <summary>The mapping as a writable span. Throws for read-only mappings.</summary>
    public Span<byte> Span
    {
        get
        {
            if (!IsWritable) ThrowReadOnly();
            return new Span<byte>((void*)CheckedAddress(), _length);
        }
    }

    public ReadOnlySpan<byte> ReadOnlySpan => new((void*)CheckedAddress(), _length);

    /// <summary>
    /// The first byte of a writable mapping, for hot paths that index with <see cref="Unsafe.Add{T}(ref T, nint)"/>.
    /// No bounds checks: the caller keeps every access inside [0, Length).
    /// </summary>
    public ref byte Reference
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (!IsWritable) ThrowReadOnly();
            return ref *(byte*)CheckedAddress();
        }
    }

    /// <summary>An 8-byte-aligned 64-bit word of a writable mapping, for Interlocked/Volatile access.</summary>
    public ref long Int64At(int offset)
    {
        if (!IsWritable) ThrowReadOnly();
        return ref *(long*)WordAddress(offset);
    }

    /// <summary>An 8-byte-aligned 64-bit word of any mapping, for Volatile.Read.</summary>
    public ref readonly long ReadOnlyInt64At(int offset) => ref *(long*)WordAddress(offset);

    /// <summary>
    /// Creates <paramref name="path"/> (refusing to replace an existing file), reserves its space with fallocate,
    /// maps it read-write and shared, runs <paramref name="initialize"/>, and only then makes it visible under
    /// <paramref name="path"/> (link from a hidden temporary name), so no reader ever sees a half-made file and a
    /// failure leaves no file behind.
    /// </summary>
    /// <exception cref="IOException">The file exists, the disk is full (the message names the path, the bytes
    /// requested and the free space) or another system call failed.</exception>
    public static MappedFile CreateNew(string path, long lengthInBytes, UnixFileMode mode, MappingInitializer? initialize = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(lengthInBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lengthInBytes, MaxLengthInBytes);
        string fullPath = System.IO.Path.GetFullPath(path);
        string directory = System.IO.Path.GetDirectoryName(fullPath) ?? "/";
        string temporaryPath = System.IO.Path.Combine(directory,
            $".{System.IO.Path.GetFileName(fullPath)}.{Environment.ProcessId}.{Random.Shared.Next():x8}.tmp");
        if (File.Exists(fullPath)) throw new IOException($"Refusing to overwrite the existing file '{fullPath}'.");

        int fd = Libc.Open(temporaryPath, Libc.O_RDWR | Libc.O_CREAT | Libc.O_EXCL | Libc.O_CLOEXEC, (uint)mode);
        if (fd < 0) throw Libc.NewIOException("Creating", temporaryPath, Libc.LastErrno);
        nint address = Libc.MapFailed;
        try
        {
            // umask may have removed bits; fchmod sets exactly the requested mode.
            if (Libc.Fchmod(fd, (uint)mode) != 0) throw Libc.NewIOException("Setting the mode of", temporaryPath, Libc.LastErrno);
            Reserve(fd, fullPath, directory, lengthInBytes);
            address = Libc.Mmap(0, (nuint)lengthInBytes, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd, 0);
            if (address == Libc.MapFailed) throw Libc.NewIOException("Mapping", temporaryPath, Libc.LastErrno);
            var mapped = new MappedFile(fullPath, address, (int)lengthInBytes, lengthInBytes, writable: true);
            // The initializer's first store faults the first page in. Without this the kernel reads around it: on a
            // fallocated file that allocates and zeroes up to megabytes of page cache (2.5 ms of a 10 ms collector
            // start), which nobody asked for yet.
            Libc.Madvise(address, (nuint)lengthInBytes, Libc.MADV_RANDOM);
            initialize?.Invoke(mapped.Span);
            Libc.Madvise(address, (nuint)lengthInBytes, Libc.MADV_NORMAL);
            if (Libc.Link(temporaryPath, fullPath) != 0)
            {
                int errno = Libc.LastErrno;
                if (errno == Libc.EEXIST) throw new IOException($"Refusing to overwrite the existing file '{fullPath}'.");
                throw Libc.NewIOException("Publishing", fullPath, errno);
            }
            Libc.Unlink(temporaryPath);
            Libc.Close(fd);
            return mapped;
        }
        catch
        {
            if (address != Libc.MapFailed) Libc.Munmap(address, (nuint)lengthInBytes);
            Libc.Close(fd);
            Libc.Unlink(temporaryPath);
            throw;
        }
    }

    /// <summary>
    /// Maps an existing file read-only (PROT_READ, MAP_SHARED), at most <paramref name="maxLengthInBytes"/> of it.
    /// An empty file gives an empty mapping.
    /// </summary>
    public static MappedFile OpenReadOnly(string path, long maxLengthInBytes = MaxLengthInBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxLengthInBytes, MaxLengthInBytes);
        string fullPath = System.IO.Path.GetFullPath(path);
        int fd = Libc.Open(fullPath, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            int errno = Libc.LastErrno;
            if (errno == Libc.ENOENT) throw new FileNotFoundException($"File not found: '{fullPath}'.", fullPath);
            throw Libc.NewIOException("Opening", fullPath, errno);
        }
        try
        {
            long fileLength = Libc.Lseek(fd, 0, Libc.SEEK_END);
            if (fileLength < 0) throw Libc.NewIOException("Measuring", fullPath, Libc.LastErrno);
            int length = (int)Math.Min(fileLength, Math.Max(0, maxLengthInBytes));
            nint address = 0;
            if (length > 0)
            {
                address = Libc.Mmap(0, (nuint)length, Libc.PROT_READ, Libc.MAP_SHARED, fd, 0);
                if (address == Libc.MapFailed) throw Libc.NewIOException("Mapping", fullPath, Libc.LastErrno);
            }
            return new MappedFile(fullPath, address, length, fileLength, writable: false);
        }
        finally
        {
            Libc.Close(fd); // the mapping keeps its own reference to the file
        }
    }

    /// <summary>msync: waits for the write-back when <paramref name="wait"/>, else only schedules it.</summary>
    public void Flush(bool wait = true)
    {
        nint address = CheckedAddress();
        if (_length == 0 || !IsWritable) return;
        if (Libc.Msync(address, (nuint)_length, wait ? Libc.MS_SYNC : Libc.MS_ASYNC) != 0)
            throw Libc.NewIOException("msync of", Path, Libc.LastErrno);
    }

    /// <summary>
    /// Drops the mapping's pages from this process's page tables (madvise MADV_DONTNEED). For a shared file
    /// mapping this loses nothing: the data stays in the page cache and is faulted back in on the next access.
    /// It keeps the resident set of a long run from growing with every old segment.
    /// </summary>
    public void ReleaseResidentPages()
    {
        nint address = CheckedAddress();
        if (_length > 0) Libc.Madvise(address, (nuint)_length, Libc.MADV_DONTNEED);
    }

    /// <summary>
    /// <see cref="ReleaseResidentPages()"/> for the whole pages inside [offset, offset + length). Safe while other
    /// threads store into the range: a store after the release faults the same page-cache page back in.
    /// </summary>
    public void ReleaseResidentPages(long offset, long length)
    {
        nint address = CheckedAddress();
        long pageSize = Environment.SystemPageSize;
        long start = (Math.Max(0, offset) + pageSize - 1) & ~(pageSize - 1);
        long end = Math.Min(_length, offset + length) & ~(pageSize - 1);
        if (end > start) Libc.Madvise(address + (nint)start, (nuint)(end - start), Libc.MADV_DONTNEED);
    }

    /// <summary>
    /// Write-faults the pages of [offset, offset + length) in now, in one call (madvise MADV_POPULATE_WRITE,
    /// Linux 5.14+), so that stores there take no page fault. On a shared file mapping each first store to a page
    /// after it was cleaned costs a fault, ext4's page_mkwrite and an inode time update (a journal write); one
    /// call over many pages pays the time update once. Returns false when the kernel lacks the advice (EINVAL)
    /// or refuses it; the stores then fault as before, so nothing depends on it.
    /// </summary>
    public bool TryPopulateForWrite(long offset, long length)
    {
        nint address = CheckedAddress();
        if (!IsWritable || length <= 0 || offset < 0 || offset >= _length) return false;
        long pageSize = Environment.SystemPageSize;
        long start = offset & ~(pageSize - 1);
        long end = Math.Min(_length, offset + length);
        return Libc.Madvise(address + (nint)start, (nuint)(end - start), Libc.MADV_POPULATE_WRITE) == 0;
    }

    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        if (_address != 0) Libc.Munmap(_address, (nuint)_length);
        _address = 0;
    }

    private static void Reserve(int fd, string path, string directory, long lengthInBytes)
    {
        if (Libc.Fallocate(fd, 0, lengthInBytes) == 0) return;
        int errno = Libc.LastErrno;
        if (errno == Libc.EOPNOTSUPP)
        {
            // Some file systems have no fallocate: writing zeros reserves the blocks just as well, only slower.
            if (Libc.WriteZeros(fd, 0, lengthInBytes) == 0) return;
            errno = Libc.LastErrno;
        }
        if (errno is Libc.ENOSPC or Libc.EFBIG or Libc.EDQUOT)
        {
            long freeBytes = Libc.GetAvailableFreeSpaceInBytes(directory);
            string free = freeBytes >= 0 ? $"{freeBytes:N0} bytes are free there" : "the free space is unknown";
            throw new IOException(
                $"Cannot reserve {lengthInBytes:N0} bytes for '{path}': {Libc.DescribeErrno(errno)} (errno {errno}); " +
                $"{free}. Free some space there, or write to another disk.", errno);
        }
        throw Libc.NewIOException($"Reserving {lengthInBytes:N0} bytes (fallocate) for", path, errno);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private nint CheckedAddress()
    {
        if (IsDisposed) ThrowDisposed();
        return _address;
    }

    private nint WordAddress(int offset)
    {
        if ((uint)offset > (uint)(_length - 8) || (offset & 7) != 0)
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"Not an aligned 8-byte word inside the {_length}-byte mapping.");
        return CheckedAddress() + offset;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowDisposed() => throw new ObjectDisposedException(Path);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowReadOnly() => throw new InvalidOperationException($"'{Path}' is mapped read-only.");
}
