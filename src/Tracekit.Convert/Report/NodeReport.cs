using Tracekit.Convert.Audit;
using Tracekit.Convert.Cctf;
using Tracekit.Convert.Reading;
using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Convert.Report;

/// <summary>
/// What the report draws of one node, gathered in one pass over its time-ordered records in bounded memory:
/// series binned per pixel column, processes, invocations and .NET runtime data, plus the audit's counters
/// (<see cref="NodeAudit"/>) fed the way the cctf conversion feeds them.
/// </summary>
internal sealed class NodeReport : IReadObserver
{
    /// <summary>.NET instruments beyond this many are listed, not drawn.</summary>
    public const int MaxInstruments = 6;

    private readonly HostRates _host;
    private readonly NetRates _net;

    public NodeReport(NodeSource node, int columns)
    {
        Audit = new NodeAudit(node);
        Description = new NodeDescription(node.NodeId);
        Columns = new TimeColumns(columns);
        CpuUser = new ColumnSeries(Columns, "user");
        CpuSystem = new ColumnSeries(Columns, "system");
        CpuIowait = new ColumnSeries(Columns, "iowait");
        CpuBusy = new ColumnSeries(Columns, "busy");
        MemoryUsedMiB = new ColumnSeries(Columns, "used");
        NetRxMBps = new ColumnSeries(Columns, "rx");
        NetTxMBps = new ColumnSeries(Columns, "tx");
        GcPauseMs = new ColumnSeries(Columns, "GC pause");
        Processes = new ProcessColumns(Columns);
        Invocations = new InvocationTimeline(Columns);
        _host = new HostRates(this);
        _net = new NetRates(this);
    }

    public NodeAudit Audit { get; }

    public NodeDescription Description { get; }

    public TimeColumns Columns { get; }

    public ColumnSeries CpuUser { get; }

    public ColumnSeries CpuSystem { get; }

    public ColumnSeries CpuIowait { get; }

    /// <summary>The busy share of the host, computed as cpu_util of host_metrics.jsonl is (not drawn: the peak).</summary>
    public ColumnSeries CpuBusy { get; }

    public ColumnSeries MemoryUsedMiB { get; }

    public ColumnSeries NetRxMBps { get; }

    public ColumnSeries NetTxMBps { get; }

    public ColumnSeries GcPauseMs { get; }

    public long GcCount { get; private set; }

    public ProcessColumns Processes { get; }

    public InvocationTimeline Invocations { get; }

    public SortedDictionary<string, ColumnSeries> Instruments { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> InstrumentsNotDrawn { get; } = new(StringComparer.Ordinal);

    public void Add(StreamCursor r, ReadOnlySpan<byte> payload)
    {
        Columns.ColumnOf(r.EpochMs);
        DecodeError error;
        switch (r.Kind)
        {
            case RecordKind.HostCpu:
                if (RecordDecoder.TryDecode(payload, out HostCpu cpu, out error)) { Count(r); _host.OnCpu(r, cpu); return; }
                break;
            case RecordKind.HostMemory:
                if (RecordDecoder.TryDecode(payload, out HostMemory memory, out error)) { Count(r); _host.OnMemory(r, memory); return; }
                break;
            case RecordKind.NetDevice:
                if (RecordDecoder.TryDecode(payload, out NetDevice device, out error)) { Count(r); _net.OnDevice(r, device); return; }
                break;
            case RecordKind.ProcessSample:
                if (RecordDecoder.TryDecode(payload, out ProcessSample sample, out error)) { Count(r); Processes.OnSample(r.EpochMs, r.TimestampNs, sample); return; }
                break;
            case RecordKind.ProcessStart:
                if (RecordDecoder.TryDecode(payload, out ProcessStart start, out error)) { Count(r); Processes.OnStart(start); return; }
                break;
            case RecordKind.InvocationStart:
                if (RecordDecoder.TryDecode(payload, out InvocationStart invocationStart, out error)) { Count(r); Invocations.OnStart(r, invocationStart); return; }
                break;
            case RecordKind.InvocationEnd:
                if (RecordDecoder.TryDecode(payload, out InvocationEnd invocationEnd, out error)) { Count(r); Invocations.OnEnd(r, invocationEnd); return; }
                break;
            case RecordKind.DotnetMetric:
                if (RecordDecoder.TryDecode(payload, out DotnetMetric metric, out error)) { Count(r); OnMetric(r, metric); return; }
                break;
            case RecordKind.DotnetEvent:
                if (RecordDecoder.TryDecode(payload, out DotnetEvent dotnetEvent, out error)) { Count(r); OnDotnetEvent(r, dotnetEvent); return; }
                break;
            case RecordKind.NodeInfo:
                if (RecordDecoder.TryDecode(payload, out NodeInfo info, out error)) { Count(r); Description.OnNodeInfo(info); return; }
                break;
            case RecordKind.SelfReport:
                if (RecordDecoder.TryDecode(payload, out SelfReport report, out error)) { Count(r); Audit.SelfReports[r.Stream.Name] = (report, r.Stream, r.EpochMs); return; }
                break;
            default:
                // Kinds the report does not draw (exits, cgroups, links, placements) are counted only.
                if (RecordDecoder.TryReadHeader(payload, out _, out _, out error)) { Count(r); return; }
                break;
        }

        OnDamagedRecord(r.Stream, r.SegmentPath, r.FileOffset, error);
    }

    public void Finish()
    {
        _net.Flush();
        Invocations.Finish(Audit.LastEpochMs);
        Audit.ReadSegmentHeaders();
    }

    public void OnAnchor(StreamContext stream, in ClockAnchor anchor, AnchorSource source, string segmentPath)
    {
        if (source == AnchorSource.Record)
        {
            Audit.CountAnchorRecord();
        }

        Audit.Clock.Observe(stream, anchor, source);
    }

    public void OnDamage(StreamContext stream, RingDamage damage) => Audit.AddDamage(damage);

    public void OnDamagedRecord(StreamContext stream, string segmentPath, long fileOffset, DecodeError error) =>
        Audit.AddDamagedRecord(segmentPath, fileOffset, error);

    public void OnUnknownKind(StreamContext stream, ulong kindNumber) => Audit.AddUnknownKind(kindNumber);

    private void Count(StreamCursor r) => Audit.CountRecord(r.Kind, r.EpochMs);

    private void OnMetric(StreamCursor r, in DotnetMetric metric)
    {
        string name = metric.Unit is null ? metric.Instrument : $"{metric.Instrument} ({metric.Unit})";
        if (!Instruments.TryGetValue(name, out var series))
        {
            if (Instruments.Count >= MaxInstruments)
            {
                InstrumentsNotDrawn.Add(name);
                return;
            }

            series = new ColumnSeries(Columns, name);
            Instruments.Add(name, series);
        }

        series.Add(r.EpochMs, metric.Value);
    }

    private void OnDotnetEvent(StreamCursor r, in DotnetEvent e)
    {
        if (e.EventType == DotnetEventType.GcStop && e.DurationNs is long durationNs)
        {
            GcCount++;
            GcPauseMs.Add(r.EpochMs, durationNs / 1e6);
        }
    }

    /// <summary>Host CPU shares and memory from the kernel's counters, one point per "cpu" total line.</summary>
    private sealed class HostRates(NodeReport node)
    {
        private HostCpu _previous;
        private bool _hasPrevious;

        public void OnCpu(StreamCursor r, in HostCpu cpu)
        {
            if (cpu.Cpu != -1)
            {
                return;
            }

            node.Audit.HostCpu.Observe(r.EpochNs);
            ulong total = Busy(cpu) + cpu.IdleTicks + cpu.IowaitTicks;
            ulong previousTotal = Busy(_previous) + _previous.IdleTicks + _previous.IowaitTicks;
            // Counters only grow; a smaller total means a different boot or a reset: restart the baseline.
            if (_hasPrevious && total > previousTotal && Busy(cpu) >= Busy(_previous))
            {
                double totalTicks = total - previousTotal;
                node.CpuUser.Add(r.EpochMs, 100.0 * (cpu.UserTicks + cpu.NiceTicks - _previous.UserTicks - _previous.NiceTicks) / totalTicks);
                node.CpuSystem.Add(r.EpochMs, 100.0 * (cpu.SystemTicks + cpu.IrqTicks + cpu.SoftirqTicks - _previous.SystemTicks - _previous.IrqTicks - _previous.SoftirqTicks) / totalTicks);
                node.CpuIowait.Add(r.EpochMs, 100.0 * (cpu.IowaitTicks - _previous.IowaitTicks) / totalTicks);
                node.CpuBusy.Add(r.EpochMs, Math.Min(100.0, 100.0 * (Busy(cpu) - Busy(_previous)) / totalTicks));
            }

            _hasPrevious = true;
            _previous = cpu;
        }

        public void OnMemory(StreamCursor r, in HostMemory memory)
        {
            node.Audit.HostMemory.Observe(r.EpochNs);
            ulong availableKb = memory.MemAvailableKb > 0 ? memory.MemAvailableKb : memory.MemFreeKb;
            node.MemoryUsedMiB.Add(r.EpochMs, (memory.MemTotalKb - Math.Min(memory.MemTotalKb, availableKb)) / 1024.0);
        }

        /// <summary>As cpu_util counts it: steal is busy (the host could not run its own work then).</summary>
        private static ulong Busy(in HostCpu c) => c.UserTicks + c.NiceTicks + c.SystemTicks + c.IrqTicks + c.SoftirqTicks + c.StealTicks;
    }

    /// <summary>Network rates per tick, as link_metrics.jsonl has them.</summary>
    private sealed class NetRates(NodeReport node)
    {
        private readonly NetworkTickRates _rates = new();
        private ulong _tickTimestampNs;
        private long _tickEpochMs = long.MinValue;

        public void OnDevice(StreamCursor r, in NetDevice device)
        {
            if (_tickEpochMs == long.MinValue || r.TimestampNs != _tickTimestampNs)
            {
                Flush();
                _tickTimestampNs = r.TimestampNs;
                _tickEpochMs = r.EpochMs;
                node.Audit.Network.Observe(r.EpochNs);
            }

            _rates.Add(device);
        }

        public void Flush()
        {
            if (_rates.Interfaces > 0)
            {
                node.NetRxMBps.Add(_tickEpochMs, _rates.RxBytesPerSecond / 1e6);
                node.NetTxMBps.Add(_tickEpochMs, _rates.TxBytesPerSecond / 1e6);
            }

            _rates.NextTick();
        }
    }
}
