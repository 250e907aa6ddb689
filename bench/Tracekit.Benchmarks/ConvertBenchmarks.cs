using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Tracekit.Convert.Cctf;
using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Benchmarks;

/// <summary>
/// CCTF JSON Lines throughput (goal: ≥ 5 M records/s per core). The ring holds what a collector writes every
/// 100 ms tick for 200 processes: one HostCpu, HostMemory and NetDevice record and 200 ProcessSample records,
/// so 98.5% of the records are process samples, each of which becomes three rows (proc_rss, proc_cpu,
/// proc_metrics). Each invocation converts the whole ring; the reported time is per input record.
/// The baseline reads and decodes every record without writing anything: the floor of any conversion.
/// Output goes to /dev/shm when it exists, so the figure is the converter's CPU, not the disk.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("convert")]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class ConvertBenchmarks
{
    private const int Ticks = 2_500;
    private const int ProcessesPerTick = 200;
    private const int Records = Ticks * (3 + ProcessesPerTick);

    private string _root = "";
    private string _run = "";
    private string _out = "";

    [GlobalSetup]
    public void Setup()
    {
        string parent = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        _root = Path.Combine(parent, "tracekit-convert-bench-" + Guid.NewGuid().ToString("N"));
        _run = Path.Combine(_root, "run");
        _out = Path.Combine(_root, "cctf");
        WriteRing(Path.Combine(_run, "node-1"));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    [Benchmark(Baseline = true, OperationsPerInvoke = Records)]
    public long ReadAndDecodeOnly()
    {
        long sum = 0;
        using var reader = RingReader.Open(Path.Combine(_run, "node-1"));
        while (reader.TryRead(out ReadOnlySpan<byte> payload) == RingReadStatus.Record)
        {
            if (RecordDecoder.TryReadHeader(payload, out RecordKind kind, out _, out _) && kind == RecordKind.ProcessSample
                && RecordDecoder.TryDecode(payload, out ProcessSample sample, out _))
            {
                sum += (long)sample.CpuTimeNs;
            }
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public long CctfJsonl() =>
        CctfConverter.Convert(new CctfOptions { RunDirectory = _run, OutputDirectory = _out }).Records;

    private static void WriteRing(string directory)
    {
        using var writer = RingWriter.Create(new RingOptions
        {
            DirectoryPath = directory, SegmentCapacityInBytes = 16L << 20, RunId = "bench", NodeId = "node-1", Stage = "cloud",
        });
        var buffer = new byte[RecordEncoder.DefaultBufferSizeInBytes];
        void Append(bool encoded, int written)
        {
            if (!encoded || !writer.TryAppend(buffer.AsSpan(0, written)))
            {
                throw new InvalidOperationException("benchmark ring setup failed");
            }
        }

        ulong t = 1_000_000_000_000;
        Append(RecordEncoder.TryEncode(new ClockAnchor { TimestampNs = t, RealtimeNs = 1_700_000_000_000_000_000 }, buffer, out int n), n);
        var cpuNs = new ulong[ProcessesPerTick];
        for (int tick = 0; tick < Ticks; tick++)
        {
            t += 100_000_000;
            Append(RecordEncoder.TryEncode(new HostCpu { TimestampNs = t, Cpu = -1, UserTicks = t / 10_000_000, IdleTicks = t / 5_000_000 }, buffer, out n), n);
            Append(RecordEncoder.TryEncode(new HostMemory { TimestampNs = t, MemTotalKb = 16_000_000, MemAvailableKb = 8_000_000 }, buffer, out n), n);
            Append(RecordEncoder.TryEncode(new NetDevice { TimestampNs = t, Interface = "eth0", RxBytes = t / 1000, TxBytes = t / 2000 }, buffer, out n), n);
            for (int p = 0; p < ProcessesPerTick; p++)
            {
                cpuNs[p] += (ulong)(p * 10_007);
                var sample = new ProcessSample
                {
                    TimestampNs = t, Pid = 1000 + p, StartTicks = 5000 + (ulong)p, CpuTimeNs = cpuNs[p],
                    CpuSource = CpuSource.Schedstat, RssKb = 10_000 + (ulong)p, Threads = 4,
                };
                Append(RecordEncoder.TryEncode(sample, buffer, out n), n);
            }
        }
    }
}
