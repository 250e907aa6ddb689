using Tracekit.Format;

namespace Tracekit.Collector.Top;

/// <summary>One process as `top` shows it: CPU % of one core over its last second of samples, and RSS.</summary>
internal sealed class TopProcess(int pid, string command)
{
    public int Pid { get; } = pid;

    public string Command { get; set; } = command;

    public double CpuPercent { get; set; }

    public ulong RssKb { get; set; }

    public int Threads { get; set; }

    public ulong LastTimestampNs { get; set; }

    public ulong WindowStartNs { get; set; }

    public ulong WindowStartCpuNs { get; set; }

    public bool HasWindow { get; set; }
}

/// <summary>
/// The live state of a node built from its records alone. Rates are taken over about one second of record time
/// (timestamps the collector wrote, not the reader's clock), so catching up on a ring that was written before
/// `top` started gives the same figures as watching it live.
/// </summary>
internal sealed class TopState
{
    public const ulong WindowNs = 1_000_000_000;

    /// <summary>A process not sampled for this long has gone (its exit record may have been missed).</summary>
    private const ulong StaleNs = 3_000_000_000;

    private readonly Dictionary<(int Pid, ulong StartTicks), TopProcess> _processes = [];
    private readonly Dictionary<(int Pid, ulong StartTicks), string> _names = [];
    private readonly Dictionary<(string TraceId, string SpanId), (string Label, ulong StartNs)> _jobs = [];
    private HostCpu _cpuWindowStart;
    private bool _hasCpuWindow;
    private ulong _recordsWindowStartNs;
    private long _recordsAtWindowStart;

    public ulong LatestNs { get; private set; }

    public long Records { get; private set; }

    public double RecordsPerSecond { get; private set; }

    public double CpuBusyPercent { get; private set; }

    public double CpuUserPercent { get; private set; }

    public double CpuSystemPercent { get; private set; }

    public double CpuIowaitPercent { get; private set; }

    public bool HasCpu { get; private set; }

    public HostMemory? Memory { get; private set; }

    public SelfReport? Self { get; private set; }

    public long DamagedRecords { get; private set; }

    public void Add(ReadOnlySpan<byte> payload)
    {
        if (!RecordDecoder.TryReadHeader(payload, out RecordKind kind, out ulong timestampNs, out _))
        {
            DamagedRecords++;
            return;
        }

        Records++;
        CountRate(timestampNs);
        switch (kind)
        {
            case RecordKind.HostCpu when RecordDecoder.TryDecode(payload, out HostCpu cpu, out _):
                OnCpu(cpu);
                break;
            case RecordKind.HostMemory when RecordDecoder.TryDecode(payload, out HostMemory memory, out _):
                Memory = memory;
                break;
            case RecordKind.ProcessStart when RecordDecoder.TryDecode(payload, out ProcessStart start, out _):
                _names[(start.Pid, start.StartTicks)] = start.Command;
                break;
            case RecordKind.ProcessSample when RecordDecoder.TryDecode(payload, out ProcessSample sample, out _):
                OnSample(sample);
                break;
            case RecordKind.ProcessExit when RecordDecoder.TryDecode(payload, out ProcessExit exit, out _):
                _processes.Remove((exit.Pid, exit.StartTicks));
                _names.Remove((exit.Pid, exit.StartTicks));
                break;
            case RecordKind.InvocationStart when RecordDecoder.TryDecode(payload, out InvocationStart start, out _):
                _jobs[(start.TraceId, start.SpanId)] = (JobLabel(start), start.TimestampNs);
                break;
            case RecordKind.InvocationEnd when RecordDecoder.TryDecode(payload, out InvocationEnd end, out _):
                _jobs.Remove((end.TraceId, end.SpanId));
                break;
            case RecordKind.SelfReport when RecordDecoder.TryDecode(payload, out SelfReport self, out _):
                Self = self;
                break;
        }
    }

    /// <summary>Processes sampled in the last few seconds of record time; the others are forgotten.</summary>
    public List<TopProcess> LiveProcesses()
    {
        var live = new List<TopProcess>(_processes.Count);
        List<(int, ulong)>? gone = null;
        foreach (var (key, p) in _processes)
        {
            if (LatestNs - p.LastTimestampNs <= StaleNs)
            {
                live.Add(p);
            }
            else
            {
                (gone ??= []).Add(key);
            }
        }

        foreach (var key in gone ?? [])
        {
            // Exited between two ticks without an exit record: kept, they would pile up over a long watch.
            _processes.Remove(key);
            _names.Remove(key);
        }

        return live;
    }

    /// <summary>Invocations started and not ended, oldest first, with how long they have run (record time).</summary>
    public List<(string Label, double Seconds)> RunningJobs()
    {
        var jobs = new List<(string Label, double Seconds)>(_jobs.Count);
        foreach (var (label, startNs) in _jobs.Values)
        {
            jobs.Add((label, LatestNs > startNs ? (LatestNs - startNs) / 1e9 : 0));
        }

        jobs.Sort(static (a, b) => b.Seconds.CompareTo(a.Seconds));
        return jobs;
    }

    private void CountRate(ulong timestampNs)
    {
        if (timestampNs > LatestNs)
        {
            LatestNs = timestampNs;
        }

        if (_recordsWindowStartNs == 0)
        {
            _recordsWindowStartNs = timestampNs;
            _recordsAtWindowStart = Records;
        }
        else if (LatestNs - _recordsWindowStartNs >= WindowNs)
        {
            RecordsPerSecond = (Records - _recordsAtWindowStart) * 1e9 / (LatestNs - _recordsWindowStartNs);
            _recordsWindowStartNs = LatestNs;
            _recordsAtWindowStart = Records;
        }
    }

    private void OnCpu(in HostCpu cpu)
    {
        if (cpu.Cpu != -1)
        {
            return;
        }

        if (!_hasCpuWindow || Total(cpu) < Total(_cpuWindowStart))
        {
            _cpuWindowStart = cpu;
            _hasCpuWindow = true;
            return;
        }

        if (cpu.TimestampNs - _cpuWindowStart.TimestampNs < WindowNs)
        {
            return;
        }

        double total = Total(cpu) - Total(_cpuWindowStart);
        if (total > 0)
        {
            var s = _cpuWindowStart;
            CpuUserPercent = 100.0 * (cpu.UserTicks + cpu.NiceTicks - s.UserTicks - s.NiceTicks) / total;
            CpuSystemPercent = 100.0 * (cpu.SystemTicks + cpu.IrqTicks + cpu.SoftirqTicks - s.SystemTicks - s.IrqTicks - s.SoftirqTicks) / total;
            CpuIowaitPercent = 100.0 * (cpu.IowaitTicks - s.IowaitTicks) / total;
            CpuBusyPercent = 100.0 * (total - (cpu.IdleTicks - s.IdleTicks) - (cpu.IowaitTicks - s.IowaitTicks)) / total;
            HasCpu = true;
        }

        _cpuWindowStart = cpu;
    }

    private void OnSample(in ProcessSample sample)
    {
        var key = (sample.Pid, sample.StartTicks);
        if (!_processes.TryGetValue(key, out var p))
        {
            p = new TopProcess(sample.Pid, _names.GetValueOrDefault(key) ?? string.Empty);
            _processes.Add(key, p);
        }
        else if (p.Command.Length == 0 && _names.TryGetValue(key, out string? name))
        {
            p.Command = name;
        }

        p.RssKb = sample.RssKb;
        p.Threads = sample.Threads;
        p.LastTimestampNs = sample.TimestampNs;
        if (!p.HasWindow || sample.CpuTimeNs < p.WindowStartCpuNs || sample.TimestampNs < p.WindowStartNs)
        {
            p.WindowStartNs = sample.TimestampNs;
            p.WindowStartCpuNs = sample.CpuTimeNs;
            p.HasWindow = true;
        }
        else if (sample.TimestampNs - p.WindowStartNs >= WindowNs)
        {
            p.CpuPercent = 100.0 * (sample.CpuTimeNs - p.WindowStartCpuNs) / (sample.TimestampNs - p.WindowStartNs);
            p.WindowStartNs = sample.TimestampNs;
            p.WindowStartCpuNs = sample.CpuTimeNs;
        }
    }

    private static ulong Total(in HostCpu c) =>
        c.UserTicks + c.NiceTicks + c.SystemTicks + c.IdleTicks + c.IowaitTicks + c.IrqTicks + c.SoftirqTicks + c.StealTicks;

    private static string JobLabel(in InvocationStart start) =>
        start.ModuleId ?? (start.Method is null ? start.SpanId : $"{start.Method} {start.Path}");
}
