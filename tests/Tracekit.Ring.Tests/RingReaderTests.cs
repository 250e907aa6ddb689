using System.Buffers.Binary;
using System.Security.Cryptography;
using Tracekit.Ring.TestWriter;

namespace Tracekit.Ring.Tests;

public sealed class RingReaderTests
{
    /// <summary>Writes a closed single-segment ring of <paramref name="count"/> 40-byte records; returns the segment path.</summary>
    private static string WriteRing(TempDir dir, int count, RingPolicy policy = RingPolicy.NoLoss)
    {
        string ringDir = dir.Sub("ring");
        using RingWriter writer = RingWriter.Create(TestRing.Options(ringDir, policy: policy));
        for (int i = 0; i < count; i++) Assert.True(writer.TryAppend(TestRing.Payload(0, i, 40)));
        return Path.Combine(ringDir, "ring-000000.tkr");
    }

    private static string CopyWith(TempDir dir, string segment, Action<byte[]> mutate)
    {
        byte[] bytes = File.ReadAllBytes(segment);
        mutate(bytes);
        string copy = dir.Sub($"copy-{Guid.NewGuid():N}.tkr");
        File.WriteAllBytes(copy, bytes);
        return copy;
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(8, 8)]
    [InlineData(12, 12)]
    [InlineData(16, 16)]
    [InlineData(24, 24)]
    [InlineData(100, 240)] // runId byte: only the checksum notices
    [InlineData(240, 240)]
    public void Open_DamagedHeaderByte_ThrowsRingFormatExceptionNamingOffset(int flippedByte, int expectedOffset)
    {
        using var dir = new TempDir();
        string copy = CopyWith(dir, WriteRing(dir, 3), b => b[flippedByte] ^= 0x21);

        RingFormatException error = Assert.Throws<RingFormatException>(() => RingReader.Open(copy));

        Assert.Equal(expectedOffset, error.FileOffset);
        Assert.Equal(copy, error.FilePath);
        Assert.Contains($"offset {expectedOffset}", error.Message);
        Assert.Contains(copy, error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(4095)]
    public void Open_FileShorterThanHeader_ThrowsWithFileLength(int length)
    {
        using var dir = new TempDir();
        string copy = dir.Sub("short.tkr");
        File.WriteAllBytes(copy, File.ReadAllBytes(WriteRing(dir, 3))[..length]);

        RingFormatException error = Assert.Throws<RingFormatException>(() => RingReader.Open(copy));

        Assert.Equal(length, error.FileOffset);
    }

    [Fact]
    public void Open_MissingPath_ThrowsFileNotFound()
    {
        using var dir = new TempDir();
        Assert.Throws<FileNotFoundException>(() => RingReader.Open(dir.Sub("nothing-here")));
        Assert.Throws<FileNotFoundException>(() => RingReader.Open(dir.Path)); // a folder without ring-000000.tkr
    }

    [Fact]
    public void TryRead_ZeroedCommitWordInMiddle_ReportsUncommittedWithOffsetAndReadsLaterFrames()
    {
        using var dir = new TempDir();
        string copy = CopyWith(dir, WriteRing(dir, 5), b => BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(4096 + 2 * 64), 0));

        List<byte[]> records = TestRing.ReadAll(copy, out IReadOnlyList<RingDamage> damage);

        Assert.Equal([0L, 1, 3, 4], records.Select(Sequence));
        RingDamage hole = Assert.Single(damage);
        Assert.Equal(RingDamageKind.Uncommitted, hole.Kind);
        Assert.Equal(4096 + 128, hole.FileOffset);
        Assert.Equal(64, hole.LengthInBytes);
        Assert.Contains("offset 4,224", hole.Message);
    }

    [Fact]
    public void TryRead_ReservedButNeverCommittedTail_ReportsTornTailAtItsOffset()
    {
        using var dir = new TempDir();
        string copy = CopyWith(dir, WriteRing(dir, 4), b => BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(512), 4 * 64 + 96));

        List<byte[]> records = TestRing.ReadAll(copy, out IReadOnlyList<RingDamage> damage);

        Assert.Equal(4, records.Count);
        RingDamage tail = Assert.Single(damage);
        Assert.Equal(RingDamageKind.TornTail, tail.Kind);
        Assert.Equal(4096 + 256, tail.FileOffset);
        Assert.Equal(96, tail.LengthInBytes);
    }

    [Theory]
    [InlineData(4096 + 64 + 20)] // payload byte of record 1
    [InlineData(4096 + 64 + 8)]  // position stamp of record 1
    [InlineData(4096 + 64 + 4)]  // CRC in the commit word of record 1
    [InlineData(4096 + 64 + 0)]  // length in the commit word of record 1
    public void TryRead_FlippedFrameByte_SkipsOnlyThatFrameAsCorrupt(int flippedByte)
    {
        using var dir = new TempDir();
        string copy = CopyWith(dir, WriteRing(dir, 4), b => b[flippedByte] ^= 0x01);

        List<byte[]> records = TestRing.ReadAll(copy, out IReadOnlyList<RingDamage> damage);

        Assert.Equal([0L, 2, 3], records.Select(Sequence));
        RingDamage corrupt = Assert.Single(damage);
        Assert.Equal(RingDamageKind.Corrupt, corrupt.Kind);
        Assert.Equal(4096 + 64, corrupt.FileOffset);
    }

    [Fact]
    public void TryRead_TruncatedFile_ReturnsWholeFramesAndReportsTruncation()
    {
        using var dir = new TempDir();
        string segment = WriteRing(dir, 10);
        string copy = dir.Sub("cut.tkr");
        File.WriteAllBytes(copy, File.ReadAllBytes(segment)[..(4096 + (6 * 64) + 30)]);

        List<byte[]> records = TestRing.ReadAll(copy, out IReadOnlyList<RingDamage> damage);

        Assert.Equal(6, records.Count);
        Assert.Contains(damage, d => d.Kind == RingDamageKind.Corrupt && d.FileOffset == 4096 + (6 * 64) + 30 && d.Message.Contains("truncated"));
    }

    [Fact]
    public void TryRead_WholeRing_NeverModifiesTheFile()
    {
        using var dir = new TempDir();
        string segment = WriteRing(dir, 50);
        byte[] before = SHA256.HashData(File.ReadAllBytes(segment));
        DateTime modifiedBefore = File.GetLastWriteTimeUtc(segment);

        TestRing.ReadAll(segment, out _);
        using (RingReader follower = RingReader.Open(Path.GetDirectoryName(segment)!, follow: true))
            while (follower.TryRead(out _) == RingReadStatus.Record) { }

        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(segment)));
        Assert.Equal(modifiedBefore, File.GetLastWriteTimeUtc(segment));
    }

    [Fact]
    public void TryRead_LiveRingNotFollowing_ReturnsCommittedRecordsThenEnd()
    {
        using var dir = new TempDir();
        string ringDir = dir.Sub("ring");
        using RingWriter writer = RingWriter.Create(TestRing.Options(ringDir));
        for (int i = 0; i < 10; i++) writer.TryAppend(TestRing.Payload(0, i, 30));

        using RingReader reader = RingReader.Open(ringDir);
        int count = 0;
        while (reader.TryRead(out _) == RingReadStatus.Record) count++;

        Assert.Equal(10, count);
        Assert.Empty(reader.Damage);
        Assert.False(reader.Header.Closed);
        Assert.Equal(10 * 48, reader.Header.HeadPosition);
    }

    [Fact]
    public void TryRead_FollowingLiveWriter_NotYetThenRecordsThenEndAfterDispose()
    {
        using var dir = new TempDir();
        string ringDir = dir.Sub("ring");
        RingWriter writer = RingWriter.Create(TestRing.Options(ringDir));
        using RingReader reader = RingReader.Open(ringDir, follow: true);

        Assert.Equal(RingReadStatus.NotYet, reader.TryRead(out _));
        writer.TryAppend(TestRing.Payload(0, 0, 20));
        Assert.Equal(RingReadStatus.Record, reader.TryRead(out ReadOnlySpan<byte> first));
        Assert.True(TestPayload.IsIntact(first, out _, out long sequence));
        Assert.Equal(0, sequence);
        Assert.Equal(4096, reader.CurrentFileOffset);
        Assert.Equal(RingReadStatus.NotYet, reader.TryRead(out _));
        Assert.Equal(48, reader.Header.HeadPosition); // counters are re-read live

        writer.TryAppend(TestRing.Payload(0, 1, 20));
        writer.Dispose();

        Assert.Equal(RingReadStatus.Record, reader.TryRead(out _));
        Assert.Equal(RingReadStatus.End, reader.TryRead(out _));
        Assert.True(reader.Header.Closed);
    }

    [Fact]
    public void Open_SegmentPath_ReadsThatSegmentAndTheFollowingOnes()
    {
        using var dir = new TempDir();
        string ringDir = dir.Sub("ring");
        using (RingWriter writer = RingWriter.Create(TestRing.Options(ringDir)))
            for (int i = 0; i < 3000; i++) writer.TryAppend(TestRing.Payload(0, i, 48)); // 1024 per segment

        List<byte[]> records = TestRing.ReadAll(Path.Combine(ringDir, "ring-000001.tkr"), out IReadOnlyList<RingDamage> damage);

        Assert.Empty(damage);
        Assert.Equal(Enumerable.Range(1024, 3000 - 1024).Select(i => (long)i), records.Select(Sequence));
    }

    [Fact]
    public void Open_RenamedSegmentIndexMismatch_ThrowsNamingOffset28()
    {
        using var dir = new TempDir();
        string segment = WriteRing(dir, 2);
        string renamed = Path.Combine(Path.GetDirectoryName(segment)!, "ring-000004.tkr");
        File.Copy(segment, renamed);

        RingFormatException error = Assert.Throws<RingFormatException>(() => RingReader.Open(renamed));

        Assert.Equal(28, error.FileOffset);
    }

    private static long Sequence(byte[] payload)
    {
        Assert.True(TestPayload.IsIntact(payload, out _, out long sequence));
        return sequence;
    }
}
