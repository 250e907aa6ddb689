using BenchmarkDotNet.Attributes;
using Microsoft.Win32.SafeHandles;
using Tracekit.Procfs;

namespace Tracekit.Benchmarks;

/// <summary>
/// Reading /proc/self/stat: a kept fd re-read with pread (what the collector does) against open/read/close per
/// sample (the baseline), plus the parse cost of /proc/PID/stat and /proc/stat on their own.
/// Run: dotnet run -c Release --project bench/Tracekit.Benchmarks -- --filter '*Procfs*' --job short
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("procfs")]
public class ProcfsBenchmarks
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly CpuTimesTicks[] _perCpu = new CpuTimesTicks[256];
    private ProcFile _keptStat = null!;
    private byte[] _pidStatContent = [];
    private byte[] _procStatContent = [];

    [GlobalSetup]
    public void Setup()
    {
        if (ProcFile.TryOpen("/proc/self/stat", out ProcFile? kept) != ProcReadStatus.Ok)
        {
            throw new InvalidOperationException("cannot open /proc/self/stat");
        }

        _keptStat = kept!;
        _pidStatContent = File.ReadAllBytes("/proc/self/stat");
        _procStatContent = File.ReadAllBytes("/proc/stat");
    }

    [GlobalCleanup]
    public void Cleanup() => _keptStat.Dispose();

    [Benchmark(Baseline = true, Description = "open+read+close /proc/self/stat")]
    public int ReopenPerRead()
    {
        using SafeFileHandle handle = File.OpenHandle("/proc/self/stat");
        return RandomAccess.Read(handle, _buffer, 0);
    }

    [Benchmark(Description = "pread of kept /proc/self/stat fd")]
    public int KeptFdPread()
    {
        _keptStat.TryRead(_buffer, out int length);
        return length;
    }

    [Benchmark(Description = "parse /proc/PID/stat")]
    public ulong ParsePidStat()
    {
        PidStatParser.TryParse(_pidStatContent, out PidStat stat);
        return stat.CpuTicks;
    }

    [Benchmark(Description = "parse /proc/stat")]
    public ulong ParseProcStat()
    {
        ProcStatParser.TryParse(_procStatContent, _perCpu, out ProcStatSummary summary);
        return summary.Total.TotalTicks;
    }
}
