using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace Tracekit.Ring.Tests;

/// <summary>Pins docs/ring-format.md sections 2 and 3 by reading the raw bytes of files the writer produced.</summary>
public sealed class LayoutTests
{
    [Fact]
    public void ReferenceCrc32C_CheckValue_MatchesCastagnoliStandard()
    {
        Assert.Equal(0xE3069283u, TestRing.ReferenceCrc32C("123456789"u8));
    }

    [Fact]
    public void Header_NoLossRing_FieldsSitAtDocumentedOffsets()
    {
        using var dir = new TempDir();
        string ringDir = dir.Sub("ring");
        long realtimeBeforeNs = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        long monotonicBeforeNs = Stopwatch.GetTimestamp(); // CLOCK_MONOTONIC ns on Linux
        int[] lengths = [1, 16, 17, 40];
        using (RingWriter writer = RingWriter.Create(TestRing.Options(ringDir)))
        {
            for (int i = 0; i < lengths.Length; i++) Assert.True(writer.TryAppend(TestRing.Payload(0, i, Math.Max(lengths[i], 12))[..lengths[i]]));
        }
        byte[] file = File.ReadAllBytes(Path.Combine(ringDir, "ring-000000.tkr"));

        Assert.Equal(4096 + 65536, file.Length);
        Assert.Equal(new byte[] { 0x54, 0x4B, 0x52, 0x49, 0x4E, 0x47, 0x0D, 0x0A }, file[0..8]);
        Assert.Equal(1, TestRing.Int32(file, 8));
        Assert.Equal(4096, TestRing.Int32(file, 12));
        Assert.Equal(65536, TestRing.Int64(file, 16));
        Assert.Equal(0, TestRing.Int32(file, 24));
        Assert.Equal(0, TestRing.Int32(file, 28));
        Assert.InRange(TestRing.Int64(file, 32), realtimeBeforeNs - 1_000_000_000, realtimeBeforeNs + 60_000_000_000);
        Assert.InRange(TestRing.Int64(file, 40), monotonicBeforeNs, monotonicBeforeNs + 60_000_000_000);
        Assert.InRange(TestRing.Int32(file, 48), -1, 5);
        Assert.Equal("run-1", Encoding.UTF8.GetString(file, 80, 5));
        Assert.All(file[85..144], b => Assert.Equal(0, b));
        Assert.Equal("node-7", Encoding.UTF8.GetString(file, 144, 6));
        Assert.All(file[150..208], b => Assert.Equal(0, b));
        Assert.Equal("map", Encoding.UTF8.GetString(file, 208, 3));
        Assert.All(file[211..240], b => Assert.Equal(0, b));
        Assert.Equal(TestRing.ReferenceCrc32C(file.AsSpan(0, 240)), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(240)));
        Assert.All(file[244..512], b => Assert.Equal(0, b));
        long expectedHead = lengths.Sum(TestRing.FrameLength);
        Assert.Equal(expectedHead, TestRing.Int64(file, 512));
        Assert.Equal(0, TestRing.Int64(file, 576));
        Assert.Equal(0, TestRing.Int64(file, 640));
        Assert.Equal(1, TestRing.Int64(file, 704));
        foreach (int gap in new[] { 520, 584, 648, 712 }) Assert.All(file[gap..(gap + 56)], b => Assert.Equal(0, b));
        Assert.All(file[768..4096], b => Assert.Equal(0, b));
    }

    [Fact]
    public void Frames_RecordFrames_CommitWordStampPayloadAndPaddingAsDocumented()
    {
        using var dir = new TempDir();
        string ringDir = dir.Sub("ring");
        int[] lengths = [0, 1, 15, 16, 17, 100];
        var payloads = lengths.Select((n, i) => Enumerable.Range(0, n).Select(k => (byte)(k * 7 + i + 1)).ToArray()).ToArray();
        using (RingWriter writer = RingWriter.Create(TestRing.Options(ringDir)))
        {
            foreach (byte[] p in payloads) Assert.True(writer.TryAppend(p));
        }
        byte[] file = File.ReadAllBytes(Path.Combine(ringDir, "ring-000000.tkr"));

        long position = 0;
        foreach (byte[] payload in payloads)
        {
            int frame = 4096 + (int)position;
            ulong commit = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(frame));
            Assert.Equal((ulong)payload.Length, commit & 0xFFFFFF);
            Assert.Equal(1UL, (commit >> 24) & 0xFF);
            Assert.Equal(TestRing.ReferenceFrameCrc(position, payload), (uint)(commit >> 32));
            Assert.Equal(position, TestRing.Int64(file, frame + 8));
            Assert.Equal(payload, file[(frame + 16)..(frame + 16 + payload.Length)]);
            int frameLength = TestRing.FrameLength(payload.Length);
            Assert.Equal(0, frameLength % 16);
            Assert.All(file[(frame + 16 + payload.Length)..(frame + frameLength)], b => Assert.Equal(0, b));
            position += frameLength;
        }
        Assert.Equal(0, TestRing.Int64(file, 4096 + (int)position)); // nothing committed after the last frame
    }

    [Fact]
    public void Frames_NoLossSegmentEnd_PaddingFrameCoversTheRestAndNextSegmentHasIndexOne()
    {
        using var dir = new TempDir();
        string ringDir = dir.Sub("ring");
        byte[] payload = new byte[1000]; // frame 1024: 64 fit exactly, so use 1000 + a 40-byte record to misalign
        using (RingWriter writer = RingWriter.Create(TestRing.Options(ringDir)))
        {
            Assert.True(writer.TryAppend(new byte[40]));
            for (int i = 0; i < 64; i++) Assert.True(writer.TryAppend(payload));
            Assert.Equal(2, writer.SegmentCount);
        }
        byte[] first = File.ReadAllBytes(Path.Combine(ringDir, "ring-000000.tkr"));
        long paddingPosition = 64 + (63 * 1024L); // after the 40-byte record and 63 big ones
        int frame = 4096 + (int)paddingPosition;
        ulong commit = BinaryPrimitives.ReadUInt64LittleEndian(first.AsSpan(frame));
        Assert.Equal(2UL, (commit >> 24) & 0xFF);
        Assert.Equal((ulong)(65536 - paddingPosition - 16), commit & 0xFFFFFF);
        Assert.Equal(paddingPosition, TestRing.Int64(first, frame + 8));
        Assert.Equal(TestRing.ReferenceFrameCrc(paddingPosition, []), (uint)(commit >> 32));

        byte[] second = File.ReadAllBytes(Path.Combine(ringDir, "ring-000001.tkr"));
        Assert.Equal(1, TestRing.Int32(second, 28));
        Assert.Equal(1024, TestRing.Int64(second, 512));
        Assert.Equal(0, TestRing.Int64(second, 4096 + 8)); // the first frame of a segment has position 0
    }

    [Fact]
    public void Header_OverwriteRingAfterWrap_PolicyOneAndOverwrittenCounterAtOffset640()
    {
        using var dir = new TempDir();
        string ringDir = dir.Sub("ring");
        long overwritten;
        using (RingWriter writer = RingWriter.Create(TestRing.Options(ringDir, policy: RingPolicy.Overwrite)))
        {
            for (int i = 0; i < 5000; i++) Assert.True(writer.TryAppend(TestRing.Payload(0, i, 48)));
            overwritten = writer.OverwrittenRecords;
        }
        byte[] file = File.ReadAllBytes(Path.Combine(ringDir, "ring-000000.tkr"));
        Assert.Equal(1, TestRing.Int32(file, 24));
        Assert.Equal(5000L * 64, TestRing.Int64(file, 512));
        Assert.True(overwritten > 0);
        Assert.Equal(overwritten, TestRing.Int64(file, 640));
        Assert.Equal(5000 - (65536 / 64), overwritten); // uniform 64-byte frames: exactly one lap survives
    }
}
