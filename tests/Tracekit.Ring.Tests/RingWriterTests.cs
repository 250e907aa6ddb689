using Tracekit.Ring.TestWriter;

namespace Tracekit.Ring.Tests;

public sealed class RingWriterTests
{
    private const UnixFileMode Mode0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void Create_MissingFolder_CreatesFolder0700AndSegment0600()
    {
        using var dir = new TempDir();
        string ringDir = Path.Combine(dir.Path, "out", "run-1", "node-7");
        using RingWriter writer = RingWriter.Create(TestRing.Options(ringDir));

        Assert.Equal(Mode0700, File.GetUnixFileMode(ringDir));
        string segment = Path.Combine(ringDir, "ring-000000.tkr");
        Assert.Equal(segment, writer.CurrentSegmentPath);
        Assert.Equal(Mode0600, File.GetUnixFileMode(segment));
        Assert.Equal(["ring-000000.tkr"], Directory.GetFileSystemEntries(ringDir).Select(Path.GetFileName));
    }

    [Fact]
    public void Create_FolderAlreadyHoldsRing_ThrowsAndLeavesItUntouched()
    {
        using var dir = new TempDir();
        string ringDir = dir.Sub("ring");
        using (RingWriter writer = RingWriter.Create(TestRing.Options(ringDir))) Assert.True(writer.TryAppend([1, 2, 3]));
        string segment = Path.Combine(ringDir, "ring-000000.tkr");
        byte[] before = File.ReadAllBytes(segment);

        IOException error = Assert.Throws<IOException>(() => RingWriter.Create(TestRing.Options(ringDir)));

        Assert.Contains("already exists", error.Message);
        Assert.Contains(ringDir, error.Message);
        Assert.Equal(before, File.ReadAllBytes(segment));
    }

    public static TheoryData<string, RingOptions> InvalidOptions => new()
    {
        { "SegmentCapacityInBytes", TestRing.Options("/tmp/x", capacity: 100_000) },
        { "SegmentCapacityInBytes", TestRing.Options("/tmp/x", capacity: 32 * 1024) },
        { "SegmentCapacityInBytes", TestRing.Options("/tmp/x", capacity: 2L << 30) },
        { "MaxTotalSizeInBytes", TestRing.Options("/tmp/x", policy: RingPolicy.Overwrite, maxTotal: 1 << 30) },
        { "MaxTotalSizeInBytes", TestRing.Options("/tmp/x", maxTotal: 65536) },
        { "RunId", new RingOptions { DirectoryPath = "/tmp/x", RunId = new string('r', 64), NodeId = "n", Stage = "s" } },
        { "Stage", new RingOptions { DirectoryPath = "/tmp/x", RunId = "r", NodeId = "n", Stage = new string('é', 16) } },
        { "NodeId", new RingOptions { DirectoryPath = "/tmp/x", RunId = "r", NodeId = "a\0b", Stage = "s" } },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Create_InvalidOptions_ThrowsNamingTheOption(string option, RingOptions options)
    {
        ArgumentException error = Assert.ThrowsAny<ArgumentException>(() => RingWriter.Create(options));
        Assert.Equal(option, error.ParamName);
    }

    [Fact]
    public void TryAppend_PayloadLargerThanQuarterCapacity_Throws()
    {
        using var dir = new TempDir();
        using RingWriter writer = RingWriter.Create(TestRing.Options(dir.Sub("ring")));
        Assert.Equal(16384 - 16, writer.MaxPayloadLengthInBytes);
        Assert.True(writer.TryAppend(new byte[writer.MaxPayloadLengthInBytes]));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.TryAppend(new byte[writer.MaxPayloadLengthInBytes + 1]));
    }

    [Fact]
    public void TryAppend_AfterDispose_ThrowsObjectDisposed()
    {
        using var dir = new TempDir();
        RingWriter writer = RingWriter.Create(TestRing.Options(dir.Sub("ring")));
        writer.Dispose();
        writer.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => writer.TryAppend([1]));
    }

    [Theory]
    [InlineData(RingPolicy.NoLoss, 16L * 1024 * 1024)]
    [InlineData(RingPolicy.Overwrite, 64L * 1024)]
    public void TryAppend_SteadyState_AllocatesNothing(RingPolicy policy, long capacity)
    {
        using var dir = new TempDir();
        using RingWriter writer = RingWriter.Create(TestRing.Options(dir.Sub("ring"), capacity, policy));
        byte[] payload = TestRing.Payload(1, 1, 48);
        for (int i = 0; i < 20_000; i++) writer.TryAppend(payload); // warm-up: JIT tiers, the lap walker's FIFO

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++) writer.TryAppend(payload);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void TryAppend_NoLossSegmentFull_RollsOverAndReaderReadsAcrossSegmentsInOrder()
    {
        using var dir = new TempDir();
        string ringDir = dir.Sub("ring");
        const int Count = 20_000; // ~1.2 MB of frames: about 20 segments of 64 KiB
        using (RingWriter writer = RingWriter.Create(TestRing.Options(ringDir)))
        {
            for (int i = 0; i < Count; i++) Assert.True(writer.TryAppend(TestRing.Payload(0, i, TestPayload.LengthFor(0, i, 100))));
            Assert.InRange(writer.SegmentCount, 10, 40);
            Assert.EndsWith($"ring-{writer.SegmentCount - 1:D6}.tkr", writer.CurrentSegmentPath);
            Assert.Equal(0, writer.DroppedRecords);
        }
        Assert.All(Directory.GetFiles(ringDir), f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));

        List<byte[]> records = TestRing.ReadAll(ringDir, out IReadOnlyList<RingDamage> damage);

        Assert.Empty(damage);
        Assert.Equal(Count, records.Count);
        for (int i = 0; i < Count; i++)
        {
            Assert.True(TestPayload.IsIntact(records[i], out _, out long sequence));
            Assert.Equal(i, sequence);
        }
    }

    [Fact]
    public void TryAppend_NoLossBeyondMaxTotalSize_DropsNewestAndCountsThem()
    {
        using var dir = new TempDir();
        string ringDir = dir.Sub("ring");
        long maxTotal = 3 * (4096 + 65536); // exactly three segments
        int accepted = 0, refused = 0;
        using (RingWriter writer = RingWriter.Create(TestRing.Options(ringDir, maxTotal: maxTotal)))
        {
            for (int i = 0; i < 5000; i++)
            {
                if (writer.TryAppend(TestRing.Payload(0, i, 48))) { Assert.Equal(0, refused); accepted++; }
                else refused++;
            }
            Assert.Equal(3, writer.SegmentCount);
            Assert.Equal(refused, writer.DroppedRecords);
            Assert.Contains("size limit", writer.FullReason);
        }
        Assert.Equal(3 * 1024, accepted); // 64-byte frames, 1024 per segment
        Assert.Equal(3, Directory.GetFiles(ringDir).Length);

        using RingReader reader = RingReader.Open(ringDir);
        int read = 0;
        while (reader.TryRead(out ReadOnlySpan<byte> payload) == RingReadStatus.Record)
        {
            Assert.True(TestPayload.IsIntact(payload, out _, out long sequence));
            Assert.Equal(read++, sequence);
        }
        Assert.Equal(accepted, read);
        Assert.Empty(reader.Damage);
        Assert.Equal(refused, reader.Header.DroppedRecords); // counted in the last segment's header
        Assert.Equal(2, reader.Header.SegmentIndex);
    }

    [Fact]
    public void TryAppend_OverwriteVariedSizes_SurvivorsPlusOverwrittenEqualsWritten()
    {
        using var dir = new TempDir();
        string ringDir = dir.Sub("ring");
        const int Count = 30_000;
        long overwritten;
        using (RingWriter writer = RingWriter.Create(TestRing.Options(ringDir, policy: RingPolicy.Overwrite)))
        {
            for (int i = 0; i < Count; i++) Assert.True(writer.TryAppend(TestRing.Payload(0, i, TestPayload.LengthFor(0, i, 300))));
            overwritten = writer.OverwrittenRecords;
        }

        List<byte[]> survivors = TestRing.ReadAll(ringDir, out IReadOnlyList<RingDamage> damage);

        Assert.Empty(damage);
        Assert.Equal(Count, survivors.Count + overwritten);
        long expected = overwritten; // the survivors are exactly the newest records, in order
        foreach (byte[] record in survivors)
        {
            Assert.True(TestPayload.IsIntact(record, out _, out long sequence));
            Assert.Equal(expected++, sequence);
        }
    }

    [Fact]
    public void Dispose_MultiSegmentRing_SetsClosedFlagInEverySegment()
    {
        using var dir = new TempDir();
        string ringDir = dir.Sub("ring");
        RingWriter writer = RingWriter.Create(TestRing.Options(ringDir));
        for (int i = 0; i < 3000; i++) writer.TryAppend(new byte[48]);
        writer.Flush();
        Assert.All(Directory.GetFiles(ringDir), f => Assert.Equal(0, TestRing.Int64(File.ReadAllBytes(f), 704)));

        writer.Dispose();

        Assert.Equal(3, Directory.GetFiles(ringDir).Length);
        Assert.All(Directory.GetFiles(ringDir), f => Assert.Equal(1, TestRing.Int64(File.ReadAllBytes(f), 704)));
    }
}
