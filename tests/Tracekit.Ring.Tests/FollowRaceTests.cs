using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using Tracekit.Ring.TestWriter;

namespace Tracekit.Ring.Tests;

/// <summary>
/// A following reader reads a frame a producer has reserved but not committed, and only then learns that the writer
/// closed (docs/ring-format.md 3.3). Under load the reader thread can be descheduled between the two while the
/// producers finish, lap the frame and close the ring; the frame must still read as what the writer left, never as
/// damage. <see cref="RingReader.BeforeWriterProbe"/> opens that window on purpose; the unfinished producer is
/// played by hand (a reservation and a commit written into the file, as docs/ring-format.md 3.2 lays them out).
/// </summary>
public sealed class FollowRaceTests
{
    private const int PayloadLength = 16;
    private const long Capacity = 64 * 1024;
    private const int HeadPositionOffset = 512; // ring-format.md section 2
    private static readonly int FrameLength = TestRing.FrameLength(PayloadLength);

    [Theory]
    [InlineData(RingPolicy.NoLoss)]
    [InlineData(RingPolicy.Overwrite)]
    public void TryRead_WriterCommitsAndClosesAfterReaderSawFrameUnfinished_ReturnsTheRecordWithoutDamage(RingPolicy policy)
    {
        using var dir = new TempDir();
        string ringDir = dir.Sub("ring");
        RingWriter writer = RingWriter.Create(TestRing.Options(ringDir, Capacity, policy));
        try
        {
            using RingReader reader = OpenAtUnfinishedFrame(writer, ringDir, out long reserved);
            reader.BeforeWriterProbe = Once(() =>
            {
                CommitByHand(ringDir, reserved, TestRing.Payload(0, 1, PayloadLength));
                writer.Dispose();
            });

            Assert.Equal(RingReadStatus.Record, reader.TryRead(out ReadOnlySpan<byte> payload));
            Assert.True(TestPayload.IsIntact(payload, out _, out long sequence));
            Assert.Equal(1, sequence);
            Assert.Equal(RingReadStatus.End, reader.TryRead(out _));
            Assert.Empty(reader.Damage);
        }
        finally
        {
            writer.Dispose();
        }
    }

    [Fact]
    public void TryRead_OverwriteLappedAndClosedAfterReaderSawFrameUnfinished_ReadsTheSurvivorsWithoutTornTail()
    {
        int laterRecords = (int)(3 * Capacity / FrameLength); // three laps over the unfinished frame
        using var dir = new TempDir();
        string ringDir = dir.Sub("ring");
        RingWriter writer = RingWriter.Create(TestRing.Options(ringDir, Capacity, RingPolicy.Overwrite));
        try
        {
            using RingReader reader = OpenAtUnfinishedFrame(writer, ringDir, out long reserved);
            reader.BeforeWriterProbe = Once(() =>
            {
                CommitByHand(ringDir, reserved, TestRing.Payload(0, 1, PayloadLength));
                for (int i = 2; i < 2 + laterRecords; i++) Assert.True(writer.TryAppend(TestRing.Payload(0, i, PayloadLength)));
                writer.Dispose();
            });

            var sequences = new List<long>();
            RingReadStatus status;
            while ((status = reader.TryRead(out ReadOnlySpan<byte> payload)) == RingReadStatus.Record)
            {
                Assert.True(TestPayload.IsIntact(payload, out _, out long sequence));
                sequences.Add(sequence);
            }

            Assert.Equal(RingReadStatus.End, status);
            Assert.Empty(reader.Damage);
            // The survivors as a plain reader of the closed ring sees them.
            List<byte[]> survivors = TestRing.ReadAll(ringDir, out IReadOnlyList<RingDamage> closedDamage);
            Assert.Empty(closedDamage);
            Assert.Equal(Capacity / FrameLength, survivors.Count);
            Assert.Equal(survivors.Select(Sequence), sequences);
            Assert.Equal(1 + laterRecords, sequences[^1]);
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>
    /// Record 0 committed, then a reservation nobody has written yet: a following reader returns record 0 and then
    /// says NotYet for the reserved frame, whose position is returned.
    /// </summary>
    private static RingReader OpenAtUnfinishedFrame(RingWriter writer, string ringDir, out long reserved)
    {
        Assert.True(writer.TryAppend(TestRing.Payload(0, 0, PayloadLength)));
        reserved = ReserveByHand(ringDir);
        RingReader reader = RingReader.Open(ringDir, follow: true);
        Assert.Equal(RingReadStatus.Record, reader.TryRead(out _));
        Assert.Equal(RingReadStatus.NotYet, reader.TryRead(out _));
        return reader;
    }

    /// <summary>Step 1 of ring-format.md 3.2 for one frame; no producer runs meanwhile.</summary>
    private static long ReserveByHand(string ringDir)
    {
        using SafeFileHandle file = OpenSegment(ringDir);
        Span<byte> word = stackalloc byte[8];
        Assert.Equal(8, RandomAccess.Read(file, word, HeadPositionOffset));
        long position = BinaryPrimitives.ReadInt64LittleEndian(word);
        BinaryPrimitives.WriteInt64LittleEndian(word, position + FrameLength);
        RandomAccess.Write(file, word, HeadPositionOffset);
        return position;
    }

    /// <summary>Steps 4 and 5 of ring-format.md 3.2: stamp and payload, then the commit word.</summary>
    private static void CommitByHand(string ringDir, long position, byte[] payload)
    {
        using SafeFileHandle file = OpenSegment(ringDir);
        long frameOffset = TestRing.HeaderSize + (position & (Capacity - 1));
        var body = new byte[8 + payload.Length];
        BinaryPrimitives.WriteInt64LittleEndian(body, position);
        payload.CopyTo(body.AsSpan(8));
        RandomAccess.Write(file, body, frameOffset + 8);
        var commitWord = new byte[8];
        ulong crc = TestRing.ReferenceFrameCrc(position, payload);
        BinaryPrimitives.WriteUInt64LittleEndian(commitWord, (crc << 32) | (1UL << 24) | (uint)payload.Length);
        RandomAccess.Write(file, commitWord, frameOffset);
    }

    private static SafeFileHandle OpenSegment(string ringDir) =>
        File.OpenHandle(Path.Combine(ringDir, "ring-000000.tkr"), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);

    private static Action Once(Action action)
    {
        bool done = false;
        return () =>
        {
            if (done) return;
            done = true;
            action();
        };
    }

    private static long Sequence(byte[] payload) => BinaryPrimitives.ReadInt64LittleEndian(payload.AsSpan(4));
}
