using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Tracekit.Native;
using Tracekit.Procfs;

namespace Tracekit.Benchmarks;

/// <summary>
/// Cost per process of each per-process CPU source, over 100 sleeping children (`sleep 600`) started in setup and
/// killed in cleanup: one operation = one read for one process. Figures are wall time per read; on an idle
/// machine a syscall's wall time is its CPU time. See docs/cpu-time-sources.md for the C measurement of CPU time.
/// Run: dotnet run -c Release --project bench/Tracekit.Benchmarks -- --filter '*ProcfsCpuSource*' --job short
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("procfs")]
public class ProcfsCpuSourceBenchmarks
{
    private const int ProcessCount = 100;
    private readonly byte[] _buffer = new byte[1024];
    private Sleepers _sleepers = null!;
    private ProcFile[] _stat = [];
    private ProcFile[] _schedstat = [];
    private ProcessCpuReader[] _clockReaders = [];
    private ProcessCpuReader[] _schedstatReaders = [];
    private ProcessExitWatcher _watcher = null!;
    private readonly ulong[] _exited = new ulong[64];

    [GlobalSetup]
    public void Setup()
    {
        _sleepers = new Sleepers(ProcessCount);
        _stat = _sleepers.Pids.Select(pid => Open(pid, "stat"u8)).ToArray();
        _schedstat = _sleepers.Pids.Select(pid => Open(pid, "schedstat"u8)).ToArray();
        _clockReaders = _sleepers.Pids.Select(pid => OpenReader(pid, CpuTimeSource.ProcessCpuClock)).ToArray();
        _schedstatReaders = _sleepers.Pids.Select(pid => OpenReader(pid, CpuTimeSource.TaskSchedstatSum)).ToArray();
        _watcher = ProcessExitWatcher.TryCreate(out _) ?? throw new InvalidOperationException("no epoll");
        for (int i = 0; i < ProcessCount; i++)
        {
            _watcher.TryAdd(_clockReaders[i].Pidfd!, (ulong)i);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (IDisposable disposable in _stat.Concat<IDisposable>(_schedstat).Concat(_clockReaders).Concat(_schedstatReaders))
        {
            disposable.Dispose();
        }

        _watcher.Dispose();
        _sleepers.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = ProcessCount, Description = "pread /proc/PID/stat + parse")]
    public ulong StatTicks()
    {
        ulong sum = 0;
        foreach (ProcFile file in _stat)
        {
            file.TryRead(_buffer, out int length);
            PidStatParser.TryParse(_buffer.AsSpan(0, length), out PidStat stat);
            sum += stat.CpuTicks;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = ProcessCount, Description = "pread /proc/PID/schedstat + parse")]
    public ulong MainThreadSchedstat()
    {
        ulong sum = 0;
        foreach (ProcFile file in _schedstat)
        {
            file.TryRead(_buffer, out int length);
            SchedstatParser.TryParseOnCpuNs(_buffer.AsSpan(0, length), out ulong ns);
            sum += ns;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = ProcessCount, Description = "TaskSchedstatSum (1 thread each)")]
    public long TaskSchedstatSum() => ReadAll(_schedstatReaders);

    [Benchmark(OperationsPerInvoke = ProcessCount, Description = "process CPU clock + pidfd poll")]
    public long ClockConfirmedEach() => ReadAll(_clockReaders);

    [Benchmark(OperationsPerInvoke = ProcessCount, Description = "process CPU clock, one epoll per tick")]
    public long ClockConfirmedByWatcher()
    {
        long sum = 0;
        foreach (ProcessCpuReader reader in _clockReaders)
        {
            reader.TryReadCpuTimeNsUnconfirmed(out long ns);
            sum += ns;
        }

        return sum + _watcher.PollExited(_exited);
    }

    private static long ReadAll(ProcessCpuReader[] readers)
    {
        long sum = 0;
        foreach (ProcessCpuReader reader in readers)
        {
            reader.TryReadCpuTimeNs(out long ns);
            sum += ns;
        }

        return sum;
    }

    private static ProcFile Open(int pid, ReadOnlySpan<byte> leaf) =>
        ProcFile.TryOpenPid(pid, leaf, out ProcFile? file) == ProcReadStatus.Ok ? file! : throw new InvalidOperationException($"cannot open /proc/{pid}");

    private static ProcessCpuReader OpenReader(int pid, CpuTimeSource source) =>
        ProcessCpuReader.TryOpen(pid, out ProcessCpuReader? reader, source) == ProcReadStatus.Ok && reader!.Source == source
            ? reader
            : throw new InvalidOperationException($"cannot open a {source} reader for {pid}");
}
