using System.Buffers.Binary;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Tracekit.Ring;

namespace Tracekit.Benchmarks;

/// <summary>
/// Ring append throughput (goals: 1 producer ≥ 30 M records/s with 0 B allocated, 2 producers ≥ 20 M/s together)
/// and read throughput (≥ 20 M records/s). Each invocation does <see cref="Operations"/> records, so the reported
/// time is per record. Appends go to a 64 MiB overwrite ring, which never fills (it laps, and the lap walker's
/// cost is included).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("ring")]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class RingBenchmarks
{
    private const int Operations = 1 << 20;
    private const int ReadRecords = 1 << 22;

    private readonly byte[] _payload = RingBenchmarkPayload.ProcessSample();
    private readonly byte[] _baselineArea = new byte[64 << 20];
    private string _root = "";
    private RingWriter _writer = null!;
    private RingWriter _freshWriter = null!;
    private string _readRingNoLoss = "";
    private string _readRingOverwrite = "";

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "tracekit-ring-bench", Guid.NewGuid().ToString("N"));
        _writer = RingWriter.Create(RingBenchmarkPayload.Options(Path.Combine(_root, "append"), 64L << 20, RingPolicy.Overwrite));
        _readRingNoLoss = Path.Combine(_root, "read-noloss");
        _readRingOverwrite = Path.Combine(_root, "read-overwrite");
        using (RingWriter writer = RingWriter.Create(RingBenchmarkPayload.Options(_readRingNoLoss, 256L << 20, RingPolicy.NoLoss)))
            for (int i = 0; i < ReadRecords; i++) writer.TryAppend(_payload);
        using (RingWriter writer = RingWriter.Create(RingBenchmarkPayload.Options(_readRingOverwrite, 64L << 20, RingPolicy.Overwrite)))
            for (int i = 0; i < ReadRecords; i++) writer.TryAppend(_payload);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Baseline: the same timestamp read and 48-byte copy into plain memory, without the ring.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    [BenchmarkCategory("ring-append")]
    public int CopyOnly_1Producer()
    {
        Span<byte> payload = _payload;
        Span<byte> area = _baselineArea;
        int offset = 0;
        for (int i = 0; i < Operations; i++)
        {
            BinaryPrimitives.WriteInt64BigEndian(payload[RingBenchmarkPayload.TimestampOffset..], Stopwatch.GetTimestamp());
            payload.CopyTo(area.Slice(offset, payload.Length));
            offset = (offset + 64) & ((64 << 20) - 1);
        }
        return offset;
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    [BenchmarkCategory("ring-append")]
    public int Append_1Producer() => AppendLoop(_writer, _payload, Operations);

    /// <summary>The clock read alone (Stopwatch.GetTimestamp = clock_gettime(CLOCK_MONOTONIC)), for scale.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    [BenchmarkCategory("ring-append")]
    public long TimestampOnly()
    {
        long sum = 0;
        for (int i = 0; i < Operations; i++) sum += Stopwatch.GetTimestamp();
        return sum;
    }

    /// <summary>How the collector appends: one clock read per tick (here per 64 records), not per record.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    [BenchmarkCategory("ring-append")]
    public int Append_1Producer_TimestampPerTick()
    {
        Span<byte> payload = _payload;
        int accepted = 0;
        for (int i = 0; i < Operations; i++)
        {
            if ((i & 63) == 0) BinaryPrimitives.WriteInt64BigEndian(payload[RingBenchmarkPayload.TimestampOffset..], Stopwatch.GetTimestamp());
            if (_writer.TryAppend(payload)) accepted++;
        }
        return accepted;
    }

    [Benchmark(OperationsPerInvoke = 2 * Operations)]
    [BenchmarkCategory("ring-append")]
    public int Append_2Producers() => AppendConcurrently(2);

    /// <summary>More producers than this 2-core machine has cores: shows contention on the head plus preemption.</summary>
    [Benchmark(OperationsPerInvoke = 4 * Operations)]
    [BenchmarkCategory("ring-append")]
    public int Append_4Producers() => AppendConcurrently(4);

    [IterationSetup(Target = nameof(Append_1Producer_NoLossFreshSegment))]
    public void CreateFreshNoLossRing() =>
        _freshWriter = RingWriter.Create(RingBenchmarkPayload.Options(Path.Combine(_root, Guid.NewGuid().ToString("N")), 128L << 20, RingPolicy.NoLoss));

    [IterationCleanup(Target = nameof(Append_1Producer_NoLossFreshSegment))]
    public void DeleteFreshNoLossRing()
    {
        string directory = _freshWriter.DirectoryPath;
        _freshWriter.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>
    /// No-loss into a segment nobody has touched yet: includes the page fault of the first store into every 4 KiB
    /// page of the fresh (fallocated) file, once per 64 records. Each iteration gets a new 128 MiB segment.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    [BenchmarkCategory("ring-append")]
    public int Append_1Producer_NoLossFreshSegment() => AppendLoop(_freshWriter, _payload, Operations);

    [Benchmark(Baseline = true, OperationsPerInvoke = ReadRecords)]
    [BenchmarkCategory("ring-read")]
    public long Read_NoLoss() => ReadAll(_readRingNoLoss);

    /// <summary>Overwrite rings copy each payload out and re-check the head (seqlock); fewer records survive a lap.</summary>
    [Benchmark(OperationsPerInvoke = (64 << 20) / 64)]
    [BenchmarkCategory("ring-read")]
    public long Read_Overwrite() => ReadAll(_readRingOverwrite);

    /// <summary>producers threads append Operations records each; this thread is one of them.</summary>
    private int AppendConcurrently(int producers)
    {
        int accepted = 0;
        var others = new Thread[producers - 1];
        for (int i = 0; i < others.Length; i++)
        {
            // Each producer has its own payload buffer: the timestamp write must not race on a shared array.
            // Interlocked.Add publishes each thread's count to the Join below (Join is a full fence as well).
            others[i] = new Thread(() => Interlocked.Add(ref accepted, AppendLoop(_writer, RingBenchmarkPayload.ProcessSample(), Operations)));
            others[i].Start();
        }

        int mine = AppendLoop(_writer, _payload, Operations);
        foreach (Thread other in others) other.Join();
        return accepted + mine;
    }

    private static int AppendLoop(RingWriter writer, byte[] buffer, int count)
    {
        Span<byte> payload = buffer;
        int accepted = 0;
        for (int i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteInt64BigEndian(payload[RingBenchmarkPayload.TimestampOffset..], Stopwatch.GetTimestamp());
            if (writer.TryAppend(payload)) accepted++;
        }
        return accepted;
    }

    private static long ReadAll(string ring)
    {
        using RingReader reader = RingReader.Open(ring);
        long bytes = 0;
        while (reader.TryRead(out ReadOnlySpan<byte> payload) == RingReadStatus.Record) bytes += payload.Length;
        return bytes;
    }
}

internal static class RingBenchmarkPayload
{
    /// <summary>Offset of the big-endian uint64 timestamp inside <see cref="ProcessSample"/>.</summary>
    public const int TimestampOffset = 3;

    /// <summary>
    /// A 47-byte MessagePack array shaped like a ProcessSample record (docs/ring-format.md 4):
    /// [4, timestampNs, pid, startTicks, cpuTimeNs, cpuSource, rssKb, threads], with room-taking encodings.
    /// </summary>
    public static byte[] ProcessSample()
    {
        var bytes = new byte[47];
        bytes[0] = 0x98;                                                   // fixarray(8)
        bytes[1] = 0x04;                                                   // kind 4
        bytes[2] = 0xCF;                                                   // uint64 timestampNs
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(3), 123_456_789_000_000);
        bytes[11] = 0xCE; BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(12), 48_213);          // pid
        bytes[16] = 0xCF; BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(17), 12_345_678);      // startTicks
        bytes[25] = 0xCF; BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(26), 5_000_000_000);   // cpuTimeNs
        bytes[34] = 0x01;                                                                            // cpuSource
        bytes[35] = 0xCF; BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(36), 250_000);         // rssKb
        bytes[44] = 0xCD; BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(45), 24);              // threads
        return bytes;
    }

    public static RingOptions Options(string directory, long capacity, RingPolicy policy) => new()
    {
        DirectoryPath = directory,
        SegmentCapacityInBytes = capacity,
        Policy = policy,
        RunId = "bench",
        NodeId = "node",
        Stage = "bench",
    };
}
