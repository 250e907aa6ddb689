using BenchmarkDotNet.Attributes;
using Tracekit.Procfs;

namespace Tracekit.Benchmarks;

/// <summary>
/// One process-sample over 100 sleeping children (`sleep 600`, started in setup, killed in cleanup): one operation
/// is one process. /proc/PID/stat (+ /proc/PID/status, what a top-like tool reads for RSS and threads) re-opened
/// every sample (the baseline: the naive sampler of tools/overhead) against descriptors kept open and re-read with
/// pread, and the parsing alone. The collector's own per-tick path (process CPU clock, stat every few ticks) is
/// measured by <see cref="ProcfsCpuSourceBenchmarks"/>.
/// Run: dotnet run -c Release --project bench/Tracekit.Benchmarks -- --filter '*ProcessSample*' --job short
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("procfs")]
public class ProcessSampleBenchmarks
{
    private const int ProcessCount = 100;
    private readonly byte[] _buffer = new byte[4096];
    private Sleepers _sleepers = null!;
    private int[] _pids = [];
    private ProcFile[] _stat = [];
    private ProcFile[] _status = [];
    private byte[] _statContent = [];
    private byte[] _statusContent = [];

    [GlobalSetup]
    public void Setup()
    {
        _sleepers = new Sleepers(ProcessCount);
        _pids = _sleepers.Pids;
        _stat = _pids.Select(pid => Open(pid, "stat"u8)).ToArray();
        _status = _pids.Select(pid => Open(pid, "status"u8)).ToArray();
        _statContent = File.ReadAllBytes($"/proc/{_pids[0]}/stat");
        _statusContent = File.ReadAllBytes($"/proc/{_pids[0]}/status");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (ProcFile file in _stat.Concat(_status)) file.Dispose();
        _sleepers.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = ProcessCount, Description = "reopen stat + status, parse")]
    public ulong ReopenStatAndStatus()
    {
        ulong sum = 0;
        foreach (int pid in _pids)
        {
            using (ProcFile stat = Open(pid, "stat"u8)) sum += ReadStat(stat);
            using (ProcFile status = Open(pid, "status"u8)) sum += ReadStatus(status);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = ProcessCount, Description = "pread kept stat + status, parse")]
    public ulong KeptStatAndStatus()
    {
        ulong sum = 0;
        for (int i = 0; i < _stat.Length; i++) sum += ReadStat(_stat[i]) + ReadStatus(_status[i]);
        return sum;
    }

    [Benchmark(OperationsPerInvoke = ProcessCount, Description = "reopen stat, parse")]
    public ulong ReopenStat()
    {
        ulong sum = 0;
        foreach (int pid in _pids)
        {
            using ProcFile stat = Open(pid, "stat"u8);
            sum += ReadStat(stat);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = ProcessCount, Description = "pread kept stat, parse")]
    public ulong KeptStat()
    {
        ulong sum = 0;
        foreach (ProcFile stat in _stat) sum += ReadStat(stat);
        return sum;
    }

    [Benchmark(OperationsPerInvoke = ProcessCount, Description = "parse stat + status only")]
    public ulong ParseOnly()
    {
        ulong sum = 0;
        for (int i = 0; i < ProcessCount; i++) sum += ParseStat(_statContent) + ParseStatus(_statusContent);
        return sum;
    }

    private ulong ReadStat(ProcFile file)
    {
        file.TryRead(_buffer, out int length);
        return ParseStat(_buffer.AsSpan(0, length));
    }

    private ulong ReadStatus(ProcFile file)
    {
        file.TryRead(_buffer, out int length);
        return ParseStatus(_buffer.AsSpan(0, length));
    }

    private static ulong ParseStat(ReadOnlySpan<byte> content)
    {
        PidStatParser.TryParse(content, out PidStat stat);
        return stat.CpuTicks + (ulong)stat.RssPages;
    }

    /// <summary>VmRSS and Threads from /proc/PID/status: the two lines a top-like tool takes from it.</summary>
    private static ulong ParseStatus(ReadOnlySpan<byte> content) => StatusValue(content, "VmRSS:"u8) + StatusValue(content, "Threads:"u8);

    private static ulong StatusValue(ReadOnlySpan<byte> content, ReadOnlySpan<byte> key)
    {
        int at = content.IndexOf(key);
        if (at < 0) return 0;
        ulong value = 0;
        foreach (byte b in content[(at + key.Length)..])
        {
            if (b == (byte)'\n') break;
            if (b is >= (byte)'0' and <= (byte)'9') value = value * 10 + (ulong)(b - '0');
        }

        return value;
    }

    private static ProcFile Open(int pid, ReadOnlySpan<byte> leaf) =>
        ProcFile.TryOpenPid(pid, leaf, out ProcFile? file) == ProcReadStatus.Ok ? file! : throw new InvalidOperationException($"cannot open /proc/{pid}");
}
