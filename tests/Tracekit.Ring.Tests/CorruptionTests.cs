using Tracekit.Ring.TestWriter;

namespace Tracekit.Ring.Tests;

/// <summary>
/// Damaged copies of valid rings: every read must finish within a time bound and end either in a
/// <see cref="RingFormatException"/> naming an offset or in a correct partial read (every returned payload
/// byte-identical to one that was written, none twice).
/// </summary>
public sealed class CorruptionTests
{
    private static readonly TimeSpan ReadBound = TimeSpan.FromSeconds(10);
    private static readonly long[] HeaderErrorOffsets = [0, 8, 12, 16, 24, 240];

    private enum Outcome
    {
        FormatError,
        CleanRead,
        DamageReported,
    }

    [Theory]
    [InlineData(RingPolicy.NoLoss, 700, 11)]
    [InlineData(RingPolicy.Overwrite, 300, 12)] // a ring that wrapped: lap boundary, padding and filler frames
    public void Read_RandomByteMutations_ErrorWithOffsetOrCorrectPartialRead(RingPolicy policy, int mutations, int seed)
    {
        using var dir = new TempDir();
        (byte[] original, Dictionary<long, int> written) = WriteReference(dir, policy);
        var random = new Random(seed);
        string copy = dir.Sub("mutated.tkr");
        var outcomes = new Dictionary<Outcome, int>();
        for (int m = 0; m < mutations; m++)
        {
            byte[] bytes = (byte[])original.Clone();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                // A quarter of the flips hit the header (fields, checksum, counters); the rest the frames.
                int offset = random.Next(4) == 0 ? random.Next(0, 768) : random.Next(4096, bytes.Length);
                bytes[offset] ^= (byte)random.Next(1, 256);
            }
            File.WriteAllBytes(copy, bytes);
            Outcome outcome = ReadChecked(copy, written, $"mutation {m}");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        // The mutations really exercised both kinds of failure, not only harmless bytes.
        Assert.True(outcomes.GetValueOrDefault(Outcome.FormatError) > 20, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault(Outcome.DamageReported) > 100, string.Join(", ", outcomes));
    }

    [Fact]
    public void Read_TruncatedAtEveryFrameBoundaryAndMidFrame_ReturnsExactlyTheWholeFramesBefore()
    {
        using var dir = new TempDir();
        (byte[] original, Dictionary<long, int> written) = WriteReference(dir, RingPolicy.NoLoss, records: 300);
        string copy = dir.Sub("truncated.tkr");

        // Frame boundaries of the reference ring, from the frame lengths of its records.
        var boundaries = new List<int> { 4096 };
        for (long s = 0; s < 300; s++) boundaries.Add(boundaries[^1] + TestRing.FrameLength(written[s]));
        var cuts = new List<(int Length, int WholeFrames)> { (0, -1), (1, -1), (100, -1), (4095, -1) };
        for (int i = 0; i < boundaries.Count - 1; i++)
        {
            int frameLength = boundaries[i + 1] - boundaries[i];
            cuts.Add((boundaries[i], i));                       // at the boundary
            cuts.Add((boundaries[i] + 8, i));                   // inside the commit word / stamp
            cuts.Add((boundaries[i] + (frameLength / 2), i));   // mid-payload
            cuts.Add((boundaries[i + 1] - 1, i));               // one byte short
        }
        cuts.Add((boundaries[^1], 300));

        foreach ((int length, int wholeFrames) in cuts)
        {
            File.WriteAllBytes(copy, original[..length]);
            List<long> sequences = [];
            Outcome outcome = ReadChecked(copy, written, $"cut at {length}", sequences);
            if (wholeFrames < 0)
            {
                Assert.Equal(Outcome.FormatError, outcome);
                continue;
            }
            Assert.Equal(Enumerable.Range(0, wholeFrames).Select(i => (long)i), sequences);
        }
    }

    /// <summary>Writes a closed reference ring; returns its bytes and each written sequence's payload length.</summary>
    private static (byte[] Bytes, Dictionary<long, int> Written) WriteReference(TempDir dir, RingPolicy policy, int records = 0)
    {
        string ringDir = dir.Sub($"reference-{policy}");
        var written = new Dictionary<long, int>();
        int count = records > 0 ? records : policy == RingPolicy.NoLoss ? 700 : 1500; // no-loss stays in one segment
        using (RingWriter writer = RingWriter.Create(TestRing.Options(ringDir, policy: policy)))
        {
            for (long s = 0; s < count; s++)
            {
                int length = TestPayload.LengthFor(0, s, 120);
                Assert.True(writer.TryAppend(TestRing.Payload(0, s, length)));
                written[s] = length;
            }
            Assert.Equal(1, writer.SegmentCount);
        }
        return (File.ReadAllBytes(Path.Combine(ringDir, "ring-000000.tkr")), written);
    }

    /// <summary>Reads the file on a worker thread within <see cref="ReadBound"/> and checks the outcome.</summary>
    private static Outcome ReadChecked(string path, Dictionary<long, int> written, string what, List<long>? sequences = null)
    {
        Outcome outcome = Outcome.CleanRead;
        Exception? failure = null;
        var seen = new HashSet<long>();
        var thread = new Thread(() =>
        {
            try
            {
                using RingReader reader = RingReader.Open(path);
                RingReadStatus status;
                while ((status = reader.TryRead(out ReadOnlySpan<byte> payload)) == RingReadStatus.Record)
                {
                    bool identical = TestPayload.IsIntact(payload, out int producer, out long sequence)
                        && producer == 0 && written.TryGetValue(sequence, out int length) && length == payload.Length;
                    if (!identical) throw new InvalidOperationException($"{what}: a damaged record was returned at offset {reader.CurrentFileOffset}");
                    if (!seen.Add(sequence)) throw new InvalidOperationException($"{what}: record {sequence} returned twice");
                    sequences?.Add(sequence);
                }
                if (status != RingReadStatus.End) throw new InvalidOperationException($"{what}: {status} from a closed copy");
                foreach (RingDamage d in reader.Damage)
                    if (d.FileOffset < 0 || !d.Message.Contains("offset")) throw new InvalidOperationException($"{what}: damage without offset: {d}");
                if (reader.Damage.Count > 0) outcome = Outcome.DamageReported;
            }
            catch (RingFormatException e)
            {
                bool knownOffset = HeaderErrorOffsets.Contains(e.FileOffset) || e.FileOffset == new FileInfo(path).Length;
                if (!e.Message.Contains($"offset {e.FileOffset}") || !knownOffset)
                    failure = new InvalidOperationException($"{what}: unexpected format error {e.Message}");
                outcome = Outcome.FormatError;
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        Assert.True(thread.Join(ReadBound), $"{what}: the read did not finish within {ReadBound}");
        Assert.Null(failure);
        return outcome;
    }
}
