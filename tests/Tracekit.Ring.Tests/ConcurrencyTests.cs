using Tracekit.Ring.TestWriter;

namespace Tracekit.Ring.Tests;

/// <summary>4 producers × 1,000,000 records while a reader tails the ring in follow mode.</summary>
public sealed class ConcurrencyTests
{
    private const int Producers = 4;
    private const int PerProducer = 1_000_000;
    private const int PayloadLength = 16; // 32-byte frames
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    [Fact]
    public void TryAppend_NoLossFourProducersWithTailingReader_EverySequenceCompleteAndInOrder()
    {
        using var dir = new TempDir();
        string ringDir = dir.Sub("ring");
        RingWriter writer = RingWriter.Create(TestRing.Options(ringDir, capacity: 4L * 1024 * 1024)); // ~30 roll-overs
        try
        {
            var tail = new TailReader(ringDir);
            RunProducers(writer);
            Assert.Equal(0, writer.DroppedRecords);
            Assert.InRange(writer.SegmentCount, 25, 40);
            writer.Dispose();
            Assert.True(tail.Join(Budget), "the tailing reader did not reach End");
            tail.ThrowIfFailed();

            Assert.Empty(tail.Damage);
            for (int p = 0; p < Producers; p++) Assert.Equal(PerProducer, tail.Received[p]); // in order was checked per record
        }
        finally
        {
            writer.Dispose();
        }
    }

    [Fact]
    public void TryAppend_OverwriteFourProducersWithTailingReader_MissingEqualsOverwritten()
    {
        using var dir = new TempDir();
        string ringDir = dir.Sub("ring");
        RingWriter writer = RingWriter.Create(TestRing.Options(ringDir, capacity: 64 * 1024, policy: RingPolicy.Overwrite));
        try
        {
            var tail = new TailReader(ringDir);
            RunProducers(writer);
            long overwritten = writer.OverwrittenRecords; // producers are quiet: exact

            // The ring after the run holds exactly the records that were not overwritten.
            var survivors = new HashSet<(int, long)>();
            using (RingReader snapshot = RingReader.Open(ringDir))
            {
                while (snapshot.TryRead(out ReadOnlySpan<byte> payload) == RingReadStatus.Record)
                {
                    Assert.True(TestPayload.IsIntact(payload, out int producer, out long sequence));
                    Assert.True(survivors.Add((producer, sequence)));
                }
                Assert.Empty(snapshot.Damage);
            }
            Assert.Equal((long)Producers * PerProducer, survivors.Count + overwritten);
            Assert.True(overwritten > 3_000_000, $"a 64 KiB ring must lap thousands of times (overwritten {overwritten})");

            writer.Dispose();
            Assert.True(tail.Join(Budget), "the tailing reader did not reach End");
            tail.ThrowIfFailed();

            // The tail caught some records before they were overwritten, so it misses at most what was overwritten,
            // and it saw every survivor (in order per producer, checked per record).
            long missing = ((long)Producers * PerProducer) - tail.Total;
            Assert.InRange(missing, 0, overwritten);
            Assert.All(survivors, s => Assert.True(s.Item2 <= tail.LastSequence[s.Item1]));
            Assert.Equal(survivors.Count, tail.SurvivorsSeen(survivors));
            Assert.Empty(tail.Damage);
        }
        finally
        {
            writer.Dispose();
        }
    }

    private static void RunProducers(RingWriter writer)
    {
        using var start = new Barrier(Producers);
        var threads = Enumerable.Range(0, Producers).Select(p => new Thread(() =>
        {
            Span<byte> payload = stackalloc byte[PayloadLength];
            start.SignalAndWait();
            for (long sequence = 0; sequence < PerProducer; sequence++)
            {
                TestPayload.Fill(payload, p, sequence);
                if (!writer.TryAppend(payload)) throw new InvalidOperationException("dropped");
            }
        })).ToArray();
        foreach (Thread t in threads) t.Start();
        foreach (Thread t in threads) Assert.True(t.Join(Budget), "a producer did not finish");
    }

    /// <summary>Tails a ring on its own thread, checking each record's bytes and per-producer order as it goes.</summary>
    private sealed class TailReader
    {
        private readonly HashSet<(int, long)> _tailSet = [];
        private readonly Thread _thread;
        private Exception? _failure;

        public TailReader(string ringDir)
        {
            _thread = new Thread(() => Run(ringDir)) { IsBackground = true, Name = "tail-reader" };
            _thread.Start();
        }

        public bool Join(TimeSpan timeout) => _thread.Join(timeout);

        public long[] Received { get; } = new long[Producers];

        public long[] LastSequence { get; } = Enumerable.Repeat(-1L, Producers).ToArray();

        public long Total => Received.Sum();

        public IReadOnlyList<RingDamage> Damage { get; private set; } = [];

        public int SurvivorsSeen(HashSet<(int, long)> survivors) => survivors.Count(_tailSet.Contains);

        public void ThrowIfFailed()
        {
            if (_failure is not null) throw new Xunit.Sdk.XunitException($"tail reader failed: {_failure}");
        }

        private void Run(string ringDir)
        {
            try
            {
                using RingReader reader = RingReader.Open(ringDir, follow: true);
                bool keepSet = reader.Header.Policy == RingPolicy.Overwrite;
                while (true)
                {
                    RingReadStatus status = reader.TryRead(out ReadOnlySpan<byte> payload);
                    if (status == RingReadStatus.End) break;
                    if (status == RingReadStatus.NotYet)
                    {
                        Thread.Yield();
                        continue;
                    }
                    if (!TestPayload.IsIntact(payload, out int producer, out long sequence) || (uint)producer >= Producers)
                        throw new InvalidOperationException($"damaged record returned at offset {reader.CurrentFileOffset}");
                    if (keepSet)
                    {
                        if (sequence <= LastSequence[producer])
                            throw new InvalidOperationException($"producer {producer}: {sequence} after {LastSequence[producer]}");
                        _tailSet.Add((producer, sequence));
                    }
                    else if (sequence != LastSequence[producer] + 1)
                    {
                        throw new InvalidOperationException($"producer {producer}: {sequence} after {LastSequence[producer]}");
                    }
                    LastSequence[producer] = sequence;
                    Received[producer]++;
                }
                Damage = reader.Damage;
            }
            catch (Exception e)
            {
                _failure = e;
            }
        }
    }
}
