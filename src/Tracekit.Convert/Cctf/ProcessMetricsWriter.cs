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

    private readonly Dictionary<ProcessKey, ProcessState> _processes = [];
    private readonly ProcessRows _rows = new(files);
    private readonly Dictionary<int, Watch> _watched = [];
    private int _nextEvictionCount = EvictionThreshold;

    /// <summary>
    /// Starts counting the samples of a pid (any incarnation) for an invocation; returns the count so far. The
    /// invocation join compares this reading with the one <see cref="EndWatch"/> returns. Only watched pids are
    /// counted, so a run without invocations costs no lookup per sample.
    /// </summary>
    public long StartWatch(int pid)
    {
        if (!_watched.TryGetValue(pid, out var watch))
        {
            watch = new Watch();
            _watched.Add(pid, watch);
        }

        watch.Watchers++;
        return watch.Samples;
    }

    /// <summary>Ends one <see cref="StartWatch"/>; returns the pid's count of samples.</summary>
    public long EndWatch(int pid)
    {
        if (!_watched.TryGetValue(pid, out var watch))
        {
            return 0;
        }

        if (--watch.Watchers == 0)
        {
            _watched.Remove(pid);
        }

        return watch.Samples;
    }

    public void OnSample(StreamCursor record, in ProcessSample sample)
    {
        audit.Processes.Samples++;
        ref var state = ref CollectionsMarshal.GetValueRefOrAddDefault(_processes, new ProcessKey(sample.Pid, sample.StartTicks), out bool known);
        if (known && record.TimestampNs <= state.LastTimestampNs)
        {
            audit.Processes.OutOfOrderSamples++;
            return;
        }

        if (_watched.Count != 0 && _watched.TryGetValue(sample.Pid, out var watch))
        {
            watch.Samples++;
        }

        var identity = known && ReferenceEquals(state.Identity.NodeAndStage, record.Stream.NodeAndStage)
            ? state.Identity
            : new ProcessIdentity(sample.Pid, sample.StartTicks, record.Stream);
        if (known)
        {
            // Every sample has its proc_rss row; a closed CPU window adds proc_cpu and proc_metrics rows.
            bool window = TryCloseWindow(record, sample, ref state, identity, out long cpuNs, out long dtMs);
            _rows.Write(record.EpochMs, identity, sample.RssKb, window, cpuNs, dtMs);
            return;
        }

        audit.Processes.Processes++;
        state = NewBaseline(record, sample, identity);
        _rows.Write(record.EpochMs, identity, sample.RssKb, window: false, cpuNs: 0, dtMs: 0);
        MaybeEvict(record.EpochMs); // may move dictionary entries: state is not used after this
    }

    /// <summary>Advances a known process to this sample; true when that closes a CPU window (cpuNs over dtMs).</summary>
    private bool TryCloseWindow(StreamCursor record, in ProcessSample sample, ref ProcessState state, ProcessIdentity identity, out long cpuNs, out long dtMs)
    {
        cpuNs = 0;
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
            state = NewBaseline(record, sample, identity) with { MaxIntervalNs = state.MaxIntervalNs, MaxIntervalStartMs = state.MaxIntervalStartMs };
            dtMs = 0;
            return false;
        }

        // Through one anchor, epoch differences tile exactly; across a new anchor (possibly a clock step) the
        // monotonic difference is the true window length.
        dtMs = record.AnchorVersion == state.AnchorVersion
            ? record.EpochMs - state.LastEpochMs
            : EpochClock.RoundNsToMs(intervalNs);
        if (dtMs <= 0)
        {
            // Same millisecond as the baseline: keep the older baseline so the next window covers this one.
            return false;
        }

        cpuNs = (long)(sample.CpuTimeNs - state.LastCpuTimeNs);
        state.Identity = identity;
        state.LastTimestampNs = record.TimestampNs;
        state.LastEpochMs = record.EpochMs;
        state.AnchorVersion = record.AnchorVersion;
        state.LastCpuTimeNs = sample.CpuTimeNs;
        return true;
    }

    public void OnExit(in ProcessExit exit)
    {
        if (_processes.Remove(new ProcessKey(exit.Pid, exit.StartTicks), out var state))
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

    private static ProcessState NewBaseline(StreamCursor record, in ProcessSample sample, ProcessIdentity identity) => new()
    {
        Identity = identity,
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
        var idle = new List<ProcessKey>();
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

    /// <summary>
    /// (pid, start ticks) hashed by the pid alone: one lookup per sample, and the default tuple hash (seeded
    /// mixing) cost more than the rest of it. Live processes have distinct pids; a reused pid only shares a bucket.
    /// </summary>
    private readonly record struct ProcessKey(int Pid, ulong StartTicks)
    {
        public override int GetHashCode() => Pid;
    }

    private sealed class Watch
    {
        public long Samples;
        public int Watchers;
    }

    private record struct ProcessState
    {
        public ProcessIdentity Identity;
        public ulong LastTimestampNs;
        public long LastEpochMs;
        public int AnchorVersion;
        public ulong LastCpuTimeNs;
        public CpuSource CpuSource;
        public long MaxIntervalNs;
        public long MaxIntervalStartMs;
    }
}
