using Tracekit.Collector.Recording;
using Tracekit.Format;
using Tracekit.Procfs;

namespace Tracekit.Collector.Sampling;

/// <summary>
/// Host CPU (/proc/stat, total and per CPU), memory (/proc/meminfo) and network (/proc/net/dev): three files kept
/// open and re-read with pread each tick into buffers that only grow.
/// </summary>
public sealed class HostSampler : IDisposable
{
    private readonly ProcFile _stat;
    private readonly ProcFile _meminfo;
    private readonly ProcFile _netDev;
    private readonly InterfaceNameCache _interfaceNames = new();
    private byte[] _buffer = new byte[16 * 1024];
    private CpuTimesTicks[] _perCpu = new CpuTimesTicks[Environment.ProcessorCount + 8];

    private HostSampler(ProcFile stat, ProcFile meminfo, ProcFile netDev)
    {
        _stat = stat;
        _meminfo = meminfo;
        _netDev = netDev;
    }

    public static HostSampler Open(string procRoot = "/proc")
    {
        return new HostSampler(OpenRequired($"{procRoot}/stat"), OpenRequired($"{procRoot}/meminfo"), OpenRequired($"{procRoot}/net/dev"));
    }

    private static ProcFile OpenRequired(string path)
    {
        if (ProcFile.TryOpen(path, out var file) != ProcReadStatus.Ok || file is null)
            throw new IOException($"cannot open {path}: the host cannot be sampled without it");
        return file;
    }

    public void Sample(ulong timestampNs, RecordSink sink)
    {
        SampleCpu(timestampNs, sink);
        SampleMemory(timestampNs, sink);
        SampleNetwork(timestampNs, sink);
    }

    private void SampleCpu(ulong timestampNs, RecordSink sink)
    {
        if (_stat.TryReadGrowing(ref _buffer, out int length) != ProcReadStatus.Ok) return;
        if (!ProcStatParser.TryParse(_buffer.AsSpan(0, length), _perCpu, out var summary)) return;
        sink.Write(ToRecord(timestampNs, -1, summary.Total));
        int rows = Math.Min(summary.CpuRowCount, _perCpu.Length);
        for (int i = 0; i < rows; i++)
            sink.Write(ToRecord(timestampNs, _perCpu[i].CpuId, _perCpu[i]));
        // CPUs hot-plugged after start: grow once, outside the steady state.
        if (summary.CpuRowCount > _perCpu.Length) _perCpu = new CpuTimesTicks[summary.CpuRowCount + 8];
    }

    private static HostCpu ToRecord(ulong timestampNs, int cpu, in CpuTimesTicks t) => new()
    {
        TimestampNs = timestampNs,
        Cpu = cpu,
        UserTicks = t.User,
        NiceTicks = t.Nice,
        SystemTicks = t.System,
        IdleTicks = t.Idle,
        IowaitTicks = t.IoWait,
        IrqTicks = t.Irq,
        SoftirqTicks = t.SoftIrq,
        StealTicks = t.Steal,
    };

    private void SampleMemory(ulong timestampNs, RecordSink sink)
    {
        if (_meminfo.TryReadGrowing(ref _buffer, out int length) != ProcReadStatus.Ok) return;
        if (!MemInfoParser.TryParse(_buffer.AsSpan(0, length), out var m)) return;
        sink.Write(new HostMemory
        {
            TimestampNs = timestampNs,
            MemTotalKb = (ulong)m.MemTotalKb,
            MemFreeKb = (ulong)m.MemFreeKb,
            MemAvailableKb = (ulong)m.MemAvailableKb,
            BuffersKb = (ulong)m.BuffersKb,
            CachedKb = (ulong)m.CachedKb,
            SwapTotalKb = (ulong)m.SwapTotalKb,
            SwapFreeKb = (ulong)m.SwapFreeKb,
        });
    }

    private void SampleNetwork(ulong timestampNs, RecordSink sink)
    {
        if (_netDev.TryReadGrowing(ref _buffer, out int length) != ProcReadStatus.Ok) return;
        foreach (var row in NetDevParser.Rows(_buffer.AsSpan(0, length)))
        {
            var c = row.Counters;
            sink.Write(new NetDevice
            {
                TimestampNs = timestampNs,
                Interface = _interfaceNames.GetOrAdd(row.Name),
                RxBytes = c.RxBytes,
                RxPackets = c.RxPackets,
                RxErrors = c.RxErrors,
                RxDropped = c.RxDropped,
                TxBytes = c.TxBytes,
                TxPackets = c.TxPackets,
                TxErrors = c.TxErrors,
                TxDropped = c.TxDropped,
            });
        }
    }

    public void Dispose()
    {
        _stat.Dispose();
        _meminfo.Dispose();
        _netDev.Dispose();
    }
}
