using System.Globalization;
using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Benchmarks;

/// <summary>
/// The ring a collector writes every 100 ms tick for N processes: one HostCpu, HostMemory and NetDevice record and
/// N ProcessSamples. The conversion benchmarks read it, and <c>write-ring</c> writes a large one for the converter's
/// memory measurement (docs/cctf.md, "Performance and memory"):
/// <c>dotnet run -c Release --project bench/Tracekit.Benchmarks -- write-ring DIR TICKS [SEGMENT_MIB]</c>.
/// </summary>
internal static class SyntheticRing
{
    public static void Write(string directory, int ticks, int processesPerTick, long segmentCapacityInBytes, bool withNodeInfo)
    {
        using var writer = RingWriter.Create(new RingOptions
        {
            DirectoryPath = directory, SegmentCapacityInBytes = segmentCapacityInBytes, RunId = "bench", NodeId = "node-1", Stage = "cloud",
        });
        var buffer = new byte[RecordEncoder.DefaultBufferSizeInBytes];
        void Append(bool encoded, int written)
        {
            if (!encoded || !writer.TryAppend(buffer.AsSpan(0, written)))
            {
                throw new InvalidOperationException($"synthetic ring: append failed in {directory} (disk full?)");
            }
        }

        ulong t = 1_000_000_000_000;
        Append(RecordEncoder.TryEncode(new ClockAnchor { TimestampNs = t, RealtimeNs = 1_700_000_000_000_000_000 }, buffer, out int n), n);
        if (withNodeInfo)
        {
            var node = new NodeInfo
            {
                TimestampNs = t, Hostname = "node-1", CpuModel = "synthetic", CoreCount = 2, MaxMhz = 2000, MemTotalKb = 24L << 20,
                ClockTicksPerSecond = 100, PageSizeInBytes = 4096, BootTimeRealtimeNs = 1_699_000_000_000_000_000, Kernel = "synthetic",
            };
            Append(RecordEncoder.TryEncode(node, buffer, out n), n);
        }

        var cpuNs = new ulong[processesPerTick];
        for (int tick = 0; tick < ticks; tick++)
        {
            t += 100_000_000;
            Append(RecordEncoder.TryEncode(new HostCpu { TimestampNs = t, Cpu = -1, UserTicks = t / 10_000_000, IdleTicks = t / 5_000_000 }, buffer, out n), n);
            Append(RecordEncoder.TryEncode(new HostMemory { TimestampNs = t, MemTotalKb = 16_000_000, MemAvailableKb = 8_000_000 }, buffer, out n), n);
            Append(RecordEncoder.TryEncode(new NetDevice { TimestampNs = t, Interface = "eth0", RxBytes = t / 1000, TxBytes = t / 2000 }, buffer, out n), n);
            for (int p = 0; p < processesPerTick; p++)
            {
                // A saw-tooth over 10 ticks: usage changes every tick, so fragment merging cannot hide the count.
                cpuNs[p] += (ulong)(p * 10_007) + ((ulong)(tick % 10) * 1_000_000);
                var sample = new ProcessSample
                {
                    TimestampNs = t, Pid = 1000 + p, StartTicks = 5000 + (ulong)p, CpuTimeNs = cpuNs[p],
                    CpuSource = CpuSource.Schedstat, RssKb = 10_000 + (ulong)p, Threads = 4,
                };
                Append(RecordEncoder.TryEncode(sample, buffer, out n), n);
            }
        }
    }

    /// <summary><c>write-ring DIR TICKS [SEGMENT_MIB]</c>: 200 processes per tick; 215,000 ticks make 2 GiB.</summary>
    public static int Run(string[] args)
    {
        if (args.Length is < 2 or > 3
            || !int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out int ticks) || ticks <= 0
            || (args.Length == 3 && (!int.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out int mib) || mib <= 0)))
        {
            Console.Error.WriteLine("usage: write-ring DIR TICKS [SEGMENT_MIB]   (200 processes per 100 ms tick; 215000 ticks ≈ 2 GiB)");
            return 2;
        }

        long segmentBytes = (args.Length == 3 ? long.Parse(args[2], CultureInfo.InvariantCulture) : 16) << 20;
        Write(args[0], ticks, 200, segmentBytes, withNodeInfo: true);
        return 0;
    }
}
