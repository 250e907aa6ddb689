using Tracekit.Convert.Reading;
using Tracekit.Format;

namespace Tracekit.Convert.Opendc;

/// <summary>
/// processes mode: every sampled process (by PID and start time, so a reused PID is a new task) is a task over its
/// lifetime, the way VM traces are built; so is every cgroup the collector was told to sample (a container). A
/// process born during the collection is counted from zero at its birth; an older one from its first sample.
/// </summary>
internal sealed class ProcessTaskRouter(TaskTableBuilder builder, string nodeId) : TaskRouterBase(builder, nodeId)
{
    private sealed class Open
    {
        public required string Name;
        public required string Stream;
        public required TaskSeries Series;
    }

    private readonly Dictionary<(int, ulong), Open> _processes = new();
    private readonly Dictionary<(int, ulong), string> _names = new();
    private readonly Dictionary<string, Open> _cgroups = new(StringComparer.Ordinal);

    protected override void Route(StreamCursor r, ReadOnlySpan<byte> payload)
    {
        switch (r.Kind)
        {
            case RecordKind.ProcessStart when RecordDecoder.TryDecode(payload, out ProcessStart p, out _):
                _names[(p.Pid, p.StartTicks)] = string.IsNullOrEmpty(p.CommandLine) ? p.Command : p.CommandLine;
                break;
            case RecordKind.ProcessSample when RecordDecoder.TryDecode(payload, out ProcessSample s, out _):
                OnSample(r, s);
                break;
            case RecordKind.ProcessExit when RecordDecoder.TryDecode(payload, out ProcessExit x, out _):
                OnExit(r, x);
                break;
            case RecordKind.CgroupSample when RecordDecoder.TryDecode(payload, out CgroupSample c, out _):
                OnCgroup(r, c);
                break;
        }
    }

    private void OnSample(StreamCursor r, in ProcessSample s)
    {
        var key = (s.Pid, s.StartTicks);
        if (!_processes.TryGetValue(key, out var o))
        {
            long? birth = BirthEpochNs(s.StartTicks);
            // btime has 1 s resolution: a process born within a second of the first record may be older than
            // the collection; counting it from its first sample then loses nothing it was not sampled for.
            bool bornDuringCollection = birth is { } b && b > FirstEpochNs + 1_000_000_000 && b < r.EpochNs;
            var series = bornDuringCollection
                ? new TaskSeries(birth!.Value, 0, EffectiveMhz, Builder.Spill)
                : new TaskSeries(r.EpochNs - 1, (long)s.CpuTimeNs, EffectiveMhz, Builder.Spill);
            o = new Open { Name = _names.GetValueOrDefault(key) ?? $"pid {s.Pid}", Stream = r.Stream.Name, Series = series };
            _processes[key] = o;
        }
        if (o.Stream != r.Stream.Name) return;
        o.Series.ObserveRss((long)s.RssKb);
        o.Series.Add(r.EpochNs, (long)s.CpuTimeNs);
    }

    private void OnExit(StreamCursor r, in ProcessExit x)
    {
        var key = (x.Pid, x.StartTicks);
        if (!_processes.Remove(key, out var o)) return;
        _names.Remove(key);
        // The exit itself adds no CPU reading; the task ends at its last sample or its exit, whichever is later.
        o.Series.Add(Math.Max(r.EpochNs, o.Series.LastEpochNs + 1), o.Series.LastCpuNs);
        Complete(o);
    }

    private void OnCgroup(StreamCursor r, in CgroupSample c)
    {
        // Jobs' own cgroups (in `tracekit run` streams) are their processes again; only selected cgroups are tasks.
        if (r.Stream.Name != RunLayout.CollectorStreamName) return;
        if (!_cgroups.TryGetValue(c.Path, out var o))
        {
            o = new Open { Name = "cgroup " + c.Path, Stream = r.Stream.Name, Series = new TaskSeries(r.EpochNs - 1, (long)c.CpuUsageNs, EffectiveMhz, Builder.Spill) };
            _cgroups[c.Path] = o;
        }
        o.Series.ObserveRss((long)(c.MemoryBytes / 1024));
        o.Series.Add(r.EpochNs, (long)c.CpuUsageNs);
    }

    private void Complete(Open o) =>
        Builder.Complete(o.Series, o.Name, NodeId, EpochClock.ToEpochMs(o.Series.StartEpochNs), EffectiveMhz, NodeCores, o.Series.PeakRssKb);

    public override void Finish()
    {
        foreach (var o in _processes.Values) Complete(o);
        foreach (var o in _cgroups.Values) Complete(o);
        _processes.Clear();
        _cgroups.Clear();
    }
}
