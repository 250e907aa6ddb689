using Tracekit.Testing;

namespace Tracekit.Native.Tests;

public sealed class MappedFileTests : IDisposable
{
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracekit-native-tests", Guid.NewGuid().ToString("N"));

    public MappedFileTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void CreateNew_Length_ReservesSpaceSetsMode0600AndWritesReachTheFile()
    {
        string path = Path.Combine(_dir, "a.bin");
        using (MappedFile map = MappedFile.CreateNew(path, 3 * 4096, Mode0600))
        {
            Assert.Equal(3 * 4096, map.Length);
            Assert.True(map.IsWritable);
            map.Span[5] = 42;
            Volatile.Write(ref map.Int64At(4096), 0x0102030405060708);
            map.Flush();
        }
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(3 * 4096, bytes.Length);
        Assert.Equal(42, bytes[5]);
        Assert.Equal(0x0102030405060708, BitConverter.ToInt64(bytes, 4096));
        Assert.Equal(Mode0600, File.GetUnixFileMode(path));
        Assert.Equal(["a.bin"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName)); // no temporary left
    }

    [Fact]
    public void CreateNew_ExistingFile_ThrowsAndKeepsIt()
    {
        string path = Path.Combine(_dir, "b.bin");
        File.WriteAllText(path, "keep me");

        IOException error = Assert.Throws<IOException>(() => MappedFile.CreateNew(path, 4096, Mode0600));

        Assert.Contains("Refusing to overwrite", error.Message);
        Assert.Equal("keep me", File.ReadAllText(path));
    }

    [Fact]
    public void CreateNew_InitializerThrows_LeavesNoFile()
    {
        string path = Path.Combine(_dir, "c.bin");
        Assert.Throws<InvalidOperationException>(() =>
            MappedFile.CreateNew(path, 4096, Mode0600, _ => throw new InvalidOperationException("boom")));
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void CreateNew_InitializerWrites_FileAppearsOnlyComplete()
    {
        string path = Path.Combine(_dir, "d.bin");
        bool existedDuringInit = true;
        using MappedFile map = MappedFile.CreateNew(path, 4096, Mode0600, span =>
        {
            existedDuringInit = File.Exists(path);
            span[0] = 7;
        });
        Assert.False(existedDuringInit);
        Assert.Equal(7, File.ReadAllBytes(path)[0]);
    }

    [Fact]
    public void OpenReadOnly_SharedMapping_SeesLaterStoresAndRefusesWrites()
    {
        string path = Path.Combine(_dir, "e.bin");
        using MappedFile writer = MappedFile.CreateNew(path, 8192, Mode0600);
        using MappedFile reader = MappedFile.OpenReadOnly(path);

        Volatile.Write(ref writer.Int64At(64), 99);

        Assert.Equal(99, Volatile.Read(in reader.ReadOnlyInt64At(64)));
        Assert.False(reader.IsWritable);
        Assert.Equal(8192, reader.FileLengthInBytes);
        Assert.Throws<InvalidOperationException>(() => reader.Span.Length);
        Assert.Throws<InvalidOperationException>(() => reader.Int64At(0));
    }

    [Fact]
    public void OpenReadOnly_EmptyAndCappedFiles_MapWhatIsAllowed()
    {
        string empty = Path.Combine(_dir, "empty.bin");
        File.WriteAllBytes(empty, []);
        using (MappedFile map = MappedFile.OpenReadOnly(empty)) Assert.Equal(0, map.ReadOnlySpan.Length);

        string big = Path.Combine(_dir, "big.bin");
        File.WriteAllBytes(big, new byte[10_000]);
        using MappedFile capped = MappedFile.OpenReadOnly(big, maxLengthInBytes: 4096);
        Assert.Equal(4096, capped.Length);
        Assert.Equal(10_000, capped.FileLengthInBytes);
    }

    [Fact]
    public void OpenReadOnly_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => MappedFile.OpenReadOnly(Path.Combine(_dir, "missing")));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(-8)]
    [InlineData(4096)]
    public void Int64At_MisalignedOrOutside_Throws(int offset)
    {
        using MappedFile map = MappedFile.CreateNew(Path.Combine(_dir, "f.bin"), 4096, Mode0600);
        Assert.Throws<ArgumentOutOfRangeException>(() => map.Int64At(offset));
    }

    [Fact]
    public void Span_AfterDispose_ThrowsObjectDisposed()
    {
        MappedFile map = MappedFile.CreateNew(Path.Combine(_dir, "g.bin"), 4096, Mode0600);
        map.Dispose();
        map.Dispose();
        Assert.Throws<ObjectDisposedException>(() => map.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => map.Int64At(0));
    }

    [SkippableFact]
    public void CreateNew_LargerThanFreeSpace_ThrowsNamingPathBytesAndFreeSpace()
    {
        using var tmpfs = SmallTmpfs.Mount(Path.Combine(_dir, "small"), "256k");
        string path = Path.Combine(tmpfs.Path, "too-big.bin");
        IOException error = Assert.Throws<IOException>(() => MappedFile.CreateNew(path, 1 << 20, Mode0600));

        Assert.Contains(path, error.Message);
        Assert.Contains("1,048,576 bytes", error.Message);
        Assert.Contains("262,144 bytes are free there", error.Message);
        Assert.Contains("No space left on device", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(tmpfs.Path));
    }
}
