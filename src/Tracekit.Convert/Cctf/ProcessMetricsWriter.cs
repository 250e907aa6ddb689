using System.Runtime.InteropServices;
using Tracekit.Convert.Audit;
using Tracekit.Convert.Output;
using Tracekit.Convert.Reading;
using Tracekit.Format;

namespace Tracekit.Convert.Cctf;

/// <summary>
/// proc_rss.jsonl (every sample), proc_cpu.jsonl and proc_metrics.jsonl (every sample but a process's first) for
/// one node. A process is (pid, startTicks): a reused pid is a new process with a new baseline, never a window
/// spanning two processes. cpu_ms is fractional (ns precision from the record); dt_ms is whole ms such that the
/// windows of one process tile: ts_ms − dt_ms is the previous row's ts_ms (docs/cctf.md).
/// </summary>
internal sealed class ProcessMetricsWriter(CctfFileSet files, NodeAudit audit)
{
    /// <summary>Above this many tracked processes, those not sampled for <see cref="IdleEvictionMs"/> are forgotten.</summary>
    private const int EvictionThreshold = 100_000;
    private const long IdleEvictionMs = 10 * 60 * 1000;

    private readonly Dictionary<(int Pid, ulong StartTicks), ProcessState> _processes = [];
    private readonly Dictionary<int, long> _samplesByPid = [];
    private int _nextEvictionCount = EvictionThreshold;

    /// <summary>Samples seen so far for a pid (any incarnation): the invocation join compares two readings of it.</summary>
    public long SamplesOf(int pid) => _samplesByPid.GetValueOrDefault(pid);

    public void OnSample(StreamCursor record, in ProcessSample sample)
    {
        audit.Processes.Samples++;
        ref var state = ref CollectionsMarshal.GetValueRefOrAddDefault(_processes, (sample.Pid, sample.StartTicks), out bool known);
        if (known && record.TimestampNs <= state.LastTimestampNs)
        {
            audit.Processes.OutOfOrderSamples++;
            return;
        }

        CollectionsMarshal.GetValueRefOrAddDefault(_samplesByPid, sample.Pid, out _)++;
        WriteRss(record, sample);
        if (!known)
        {
            audit.Processes.Processes++;
            state = NewBaseline(record, sample);
            MaybeEvict(record.EpochMs);
            return;
        }

        long intervalNs = (long)(record.TimestampNs - state.LastTimestampNs);
        if (intervalNs > state.MaxIntervalNs)
        {
            state.MaxIntervalNs = intervalNs;
            state.MaxIntervalStartMs = state.LastEpochMs;
        }

        if (sample.CpuSource != state.CpuSource || sample.CpuTimeNs < state.LastCpuTimeNs)
        {
            // Two different clocks (ticks vs schedstat) or a counter that went back: no honest delta here.
            audit.Processes.CpuBaselineResets++;
            state = NewBaseline(record, sample) with { MaxIntervalNs = state.MaxIntervalNs, MaxIntervalStartMs = state.MaxIntervalStartMs };
            return;
        }

        // Through one anchor, epoch differences tile exactly; across a new anchor (possibly a clock step) the
        // monotonic difference is the true window length.
        long dtMs = record.AnchorVersion == state.AnchorVersion
            ? record.EpochMs - state.LastEpochMs
            : EpochClock.RoundNsToMs(intervalNs);
        if (dtMs <= 0)
        {
            // Same millisecond as the baseline: keep the older baseline so the next window covers this one.
            return;
        }

        WriteCpu(record, sample, (long)(sample.CpuTimeNs - state.LastCpuTimeNs), dtMs);
        state.LastTimestampNs = record.TimestampNs;
        state.LastEpochMs = record.EpochMs;
        state.AnchorVersion = record.AnchorVersion;
        state.LastCpuTimeNs = sample.CpuTimeNs;
    }

    public void OnExit(in ProcessExit exit)
    {
        if (_processes.Remove((exit.Pid, exit.StartTicks), out var state))
        {
            Retire(state);
        }
    }

    /// <summary>At the end of the node: every process still tracked adds its largest gap to the audit.</summary>
    public void Finish()
    {
        foreach (var state in _processes.Values)
        {
            Retire(state);
        }

        _processes.Clear();
    }

    private static ProcessState NewBaseline(StreamCursor record, in ProcessSample sample) => new()
    {
        LastTimestampNs = record.TimestampNs,
        LastEpochMs = record.EpochMs,
        AnchorVersion = record.AnchorVersion,
        LastCpuTimeNs = sample.CpuTimeNs,
        CpuSource = sample.CpuSource,
    };

    private void Retire(in ProcessState state)
    {
        if (state.MaxIntervalNs > 0)
        {
            audit.Processes.LargestGapPerProcess.AddInterval(state.MaxIntervalNs, state.MaxIntervalStartMs);
        }
    }

    private void MaybeEvict(long nowMs)
    {
        if (_processes.Count < _nextEvictionCount)
        {
            return;
        }

        // Processes that exited without a ProcessExit record (missed between ticks) would otherwise pile up.
        var idle = new List<(int, ulong)>();
        foreach (var (key, state) in _processes)
        {
            if (nowMs - state.LastEpochMs > IdleEvictionMs)
            {
                idle.Add(key);
            }
        }

        foreach (var key in idle)
        {
            _processes.Remove(key, out var state);
            Retire(state);
        }

        _nextEvictionCount = Math.Max(EvictionThreshold, _processes.Count * 2);
    }

    private void WriteRss(StreamCursor record, in ProcessSample sample)
    {
        var json = files.ProcRss.BeginRow();
        json.WriteNumber(CctfNames.TsMs, record.EpochMs);
        json.WriteNumber(CctfNames.Pid, sample.Pid);
        json.WriteNumber(CctfNames.RssKb, sample.RssKb);
        WriteIdentity(json, record, sample);
        files.ProcRss.EndRow();
    }

    private void WriteCpu(StreamCursor record, in ProcessSample sample, long cpuNs, long dtMs)
    {
        var json = files.ProcCpu.BeginRow();
        json.WriteNumber(CctfNames.TsMs, record.EpochMs);
        json.WriteNumber(CctfNames.Pid, sample.Pid);
        json.WriteMsFromNs(CctfNames.CpuMs, cpuNs);
        json.WriteNumber(CctfNames.DtMs, dtMs);
        WriteIdentity(json, record, sample);
        files.ProcCpu.EndRow();

        json = files.ProcMetrics.BeginRow();
        json.WriteNumber(CctfNames.TsMs, record.EpochMs);
        json.WriteNumber(CctfNames.Pid, sample.Pid);
        json.WriteNumber(CctfNames.DtMs, dtMs);
        json.WriteMsFromNs(CctfNames.CpuMs, cpuNs);
        json.WriteNumber(CctfNames.RssKb, sample.RssKb);
        WriteIdentity(json, record, sample);
        files.ProcMetrics.EndRow();
    }

    /// <summary>The documented additions: which node, and start_ticks so a reused pid stays two processes.</summary>
    private static void WriteIdentity(System.Text.Json.Utf8JsonWriter json, StreamCursor record, in ProcessSample sample)
    {
        json.WriteString(CctfNames.Node, record.Stream.NodeJson);
        json.WriteString(CctfNames.Stage, record.Stream.StageJson);
        json.WriteNumber(CctfNames.StartTicks, sample.StartTicks);
    }

    private record struct ProcessState
    {
        public ulong LastTimestampNs;
        public long LastEpochMs;
        public int AnchorVersion;
        public ulong LastCpuTimeNs;
        public CpuSource CpuSource;
        public long MaxIntervalNs;
        public long MaxIntervalStartMs;
    }
}
