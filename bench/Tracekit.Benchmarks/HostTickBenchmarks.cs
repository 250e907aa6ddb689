using BenchmarkDotNet.Attributes;
using Tracekit.Procfs;

namespace Tracekit.Benchmarks;

/// <summary>
/// One host tick: /proc/stat, /proc/meminfo and /proc/net/dev read and parsed, as HostSampler does (without the
/// record encoding). Kept descriptors re-read with pread at offset 0 (the collector) against open/read/close of
/// each file every tick (the baseline: the first Tracekit's and below's pattern), plus the parsing alone.
/// Run: dotnet run -c Release --project bench/Tracekit.Benchmarks -- --filter '*HostTick*' --job short
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("procfs")]
public class HostTickBenchmarks
{
    private static readonly string[] Paths = ["/proc/stat", "/proc/meminfo", "/proc/net/dev"];
    private readonly CpuTimesTicks[] _perCpu = new CpuTimesTicks[Environment.ProcessorCount + 8];
    private byte[] _buffer = new byte[16 * 1024];
    private ProcFile[] _kept = [];
    private byte[][] _contents = [];

    [GlobalSetup]
    public void Setup()
    {
        _kept = Paths.Select(OpenRequired).ToArray();
        _contents = Paths.Select(File.ReadAllBytes).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (ProcFile file in _kept) file.Dispose();
    }

    [Benchmark(Baseline = true, Description = "reopen the 3 host files + parse")]
    public ulong ReopenEachTick()
    {
        ulong sum = 0;
        for (int i = 0; i < Paths.Length; i++)
        {
            using ProcFile file = OpenRequired(Paths[i]);
            sum += ReadAndParse(file, i);
        }

        return sum;
    }

    [Benchmark(Description = "pread the 3 kept host files + parse")]
    public ulong KeptFds()
    {
        ulong sum = 0;
        for (int i = 0; i < _kept.Length; i++) sum += ReadAndParse(_kept[i], i);
        return sum;
    }

    [Benchmark(Description = "parse the 3 host files only")]
    public ulong ParseOnly()
    {
        ulong sum = 0;
        for (int i = 0; i < _contents.Length; i++) sum += Parse(_contents[i], i);
        return sum;
    }

    private ulong ReadAndParse(ProcFile file, int which)
    {
        if (file.TryReadGrowing(ref _buffer, out int length) != ProcReadStatus.Ok) throw new InvalidOperationException($"cannot read {Paths[which]}");
        return Parse(_buffer.AsSpan(0, length), which);
    }

    private ulong Parse(ReadOnlySpan<byte> content, int which)
    {
        switch (which)
        {
            case 0:
                ProcStatParser.TryParse(content, _perCpu, out ProcStatSummary summary);
                return summary.Total.TotalTicks;
            case 1:
                MemInfoParser.TryParse(content, out MemInfoKb memory);
                return (ulong)memory.MemAvailableKb;
            default:
                ulong bytes = 0;
                foreach (NetDevRow row in NetDevParser.Rows(content)) bytes += row.Counters.RxBytes;
                return bytes;
        }
    }

    private static ProcFile OpenRequired(string path) =>
        ProcFile.TryOpen(path, out ProcFile? file) == ProcReadStatus.Ok ? file! : throw new InvalidOperationException($"cannot open {path}");
}
