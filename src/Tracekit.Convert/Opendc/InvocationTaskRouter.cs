using Tracekit.Convert.Reading;
using Tracekit.Format;

namespace Tracekit.Convert.Opendc;

/// <summary>
/// invocations mode: each invocation with a PID or a cgroup is a task from ts_start to ts_end. Its CPU comes from its
/// cgroup when one was sampled (exact for the whole tree), otherwise from the samples of its process and the
/// children that process started. A job launched by `tracekit run` started at ts_start, so its CPU is counted from
/// zero there; any other process is counted from its first sample inside the invocation.
/// </summary>
internal sealed class InvocationTaskRouter(TaskTableBuilder builder, string nodeId, ClusterLosses? cluster = null)
    : TaskRouterBase(builder, nodeId)
{
    private sealed class Open
    {
        public required string Name;
        public required long SubmissionMs;
        public required long StartEpochNs;
        public required bool Fresh;
        public string? Cgroup;
        public int RootPid;
        public string? Stream;
        public TaskSeries? Series;
        public bool UsingCgroup;
        public readonly Dictionary<int, long> CpuByPid = new();
        public readonly Dictionary<int, long> RssByPid = new();
        public long PendingEpochNs;
        public long PeakRssKb;
        /// <summary>InvocationStart.sampleRatio: below 1 for a sampled request.</summary>
        public double SampleRatio = 1;
        /// <summary>CPUs the job was allowed (its cpuset), or 0 when unknown.</summary>
        public int CpusetCores;
    }

    private readonly Dictionary<(string, string), Open> _bySpan = new();
    private RequestCpuAttribution? _requests;

    /// <summary>Request invocations: CPU from the process that served them (null until a process was read).</summary>
    public RequestCpuAttribution? Requests => _requests;

    /// <summary>Created at the first reading, so the serving process has a reading before its first request.</summary>
    private RequestCpuAttribution Attribution => _requests ??= new RequestCpuAttribution(Builder, NodeId, () => EffectiveMhz, () => NodeCores, Copies);
    private readonly Dictionary<int, Open> _byPid = new();
    private readonly Dictionary<string, Open> _byCgroup = new(StringComparer.Ordinal);

    protected override void Route(StreamCursor r, ReadOnlySpan<byte> payload)
    {
        switch (r.Kind)
        {
            case RecordKind.InvocationStart when RecordDecoder.TryDecode(payload, out InvocationStart s, out _):
                OnStart(r, s);
                break;
            case RecordKind.InvocationEnd when RecordDecoder.TryDecode(payload, out InvocationEnd e, out _):
                OnEnd(r, e);
                break;
            case RecordKind.ProcessStart when RecordDecoder.TryDecode(payload, out ProcessStart p, out _):
                // A child of a task's process belongs to the task from its birth.
                if (_byPid.TryGetValue(p.Ppid, out var parent) && !_byPid.ContainsKey(p.Pid)) _byPid[p.Pid] = parent;
                break;
            case RecordKind.ProcessExit when RecordDecoder.TryDecode(payload, out ProcessExit x, out _):
                // An exited child holds no memory any more; its CPU stays counted.
                if (_byPid.TryGetValue(x.Pid, out var owner)) owner.RssByPid.Remove(x.Pid);
                break;
            case RecordKind.ProcessSample when RecordDecoder.TryDecode(payload, out ProcessSample s, out _):
                OnSample(r, s);
                break;
            case RecordKind.CgroupSample when RecordDecoder.TryDecode(payload, out CgroupSample c, out _):
                OnCgroup(r, c);
                break;
        }
    }

    /// <summary>`--sampled-tasks scale`: a sampled invocation becomes round(1 / sampleRatio) identical tasks.</summary>
    public bool ScaleSampled { get; init; }

    /// <summary>Tasks made from sampled invocations (sampleRatio below 1), requests included, before any scaling.</summary>
    public long SampledTasks => _copies?.SampledTasks ?? 0;

    /// <summary>Tasks added by scaling (beyond the sampled tasks themselves), requests included.</summary>
    public long ScaledCopies => _copies?.ScaledCopies ?? 0;

    private SampledTaskCopies? _copies;
    private SampledTaskCopies Copies => _copies ??= new SampledTaskCopies(ScaleSampled);

    /// <summary>Invocations that were not made tasks because an open task already held their PID or cgroup.</summary>
    public int OverlapsRefused { get; private set; }

    /// <summary>The name the first refused invocation would have had, for the warning.</summary>
    public string? FirstRefusedName { get; private set; }

    private void OnStart(StreamCursor r, in InvocationStart s)
    {
        if (s.Pid is null && string.IsNullOrEmpty(s.Cgroup)) return;
        string name = string.IsNullOrEmpty(s.TraceId) ? s.Path ?? "invocation" : s.TraceId;
        // `tracekit run` starts the job (and its cgroup) at ts_start: its counters start at zero there.
        bool fresh = !string.IsNullOrEmpty(s.Cgroup) || Path.GetFileName(r.Stream.Name).StartsWith("run-", StringComparison.Ordinal);
        long submissionNs = s.EnqueueNs is { } q ? EpochClock.ToEpochNs((ulong)q, r.Anchor) : r.EpochNs;
        long submissionMs = EpochClock.ToEpochMs(Math.Min(submissionNs, r.EpochNs));
        if (!fresh && s.Pid is { } servingPid)
        {
            // A request: its process serves others too, before, during and after it.
            Attribution.OnStart(servingPid, s.TraceId, s.SpanId, s.ParentId, name, r.EpochNs, submissionMs, s.SampleRatio ?? 1);
            return;
        }
        // A process or cgroup has one CPU counter: concurrent invocations on it cannot each have it (that counts it
        // twice) nor share it (any split is invented). The open task keeps it; the later invocation is no task.
        if ((s.Pid is { } held && _byPid.ContainsKey(held)) || (!string.IsNullOrEmpty(s.Cgroup) && _byCgroup.ContainsKey(s.Cgroup)))
        {
            OverlapsRefused++;
            FirstRefusedName ??= name;
            return;
        }
        long startNs = r.EpochNs;
        var open = new Open
        {
            Name = name,
            SubmissionMs = submissionMs,
            StartEpochNs = startNs,
            Fresh = fresh,
            Cgroup = string.IsNullOrEmpty(s.Cgroup) ? null : s.Cgroup,
            RootPid = s.Pid ?? 0,
            SampleRatio = s.SampleRatio ?? 1,
            CpusetCores = CountCpus(s.Cpuset),
        };
        if (open.Fresh) open.Series = new TaskSeries(startNs, 0, EffectiveMhz, Builder.Spill);
        _bySpan[(s.TraceId, s.SpanId)] = open;
        if (s.Pid is { } pid) _byPid[pid] = open;
        if (open.Cgroup is not null) _byCgroup[open.Cgroup] = open;
    }

    private bool Claims(Open o, StreamCursor r)
    {
        // The same process may be sampled by the collector and by `tracekit run`: a task reads one stream only.
        o.Stream ??= r.Stream.Name;
        return o.Stream == r.Stream.Name;
    }

    private void OnSample(StreamCursor r, in ProcessSample s)
    {
        Attribution.OnReading(r, s.Pid, (long)s.CpuTimeNs);
        if (!_byPid.TryGetValue(s.Pid, out var o) || r.EpochNs < o.StartEpochNs || !Claims(o, r)) return;
        FlushIfNewTick(o, r.EpochNs);
        o.RssByPid[s.Pid] = (long)s.RssKb;
        if (o.UsingCgroup) return;
        o.CpuByPid[s.Pid] = (long)s.CpuTimeNs;
        o.Series ??= new TaskSeries(o.StartEpochNs, SumCpu(o), EffectiveMhz, Builder.Spill);
    }

    private void OnCgroup(StreamCursor r, in CgroupSample c)
    {
        if (!_byCgroup.TryGetValue(c.Path, out var o) || r.EpochNs < o.StartEpochNs || !Claims(o, r)) return;
        FlushIfNewTick(o, r.EpochNs);
        o.UsingCgroup = true;
        o.CpuByPid.Clear();
        o.CpuByPid[-1] = (long)c.CpuUsageNs;
        o.Series ??= new TaskSeries(o.StartEpochNs, 0, EffectiveMhz, Builder.Spill);
    }

    /// <summary>Readings of one tick share a timestamp; the tick's total is added once all of them are in.</summary>
    private static void FlushIfNewTick(Open o, long epochNs)
    {
        if (o.PendingEpochNs != 0 && epochNs != o.PendingEpochNs) AddPending(o);
        o.PendingEpochNs = epochNs;
    }

    private static void AddPending(Open o)
    {
        if (o.PendingEpochNs == 0 || o.Series is null) return;
        o.Series.Add(o.PendingEpochNs, SumCpu(o));
        long rss = 0;
        foreach (var v in o.RssByPid.Values) rss += v;
        o.PeakRssKb = Math.Max(o.PeakRssKb, rss);
        o.PendingEpochNs = 0;
    }

    private static long SumCpu(Open o)
    {
        long sum = 0;
        foreach (var v in o.CpuByPid.Values) sum += v;
        return sum;
    }

    private void OnEnd(StreamCursor r, in InvocationEnd e)
    {
        if (_requests is not null && _requests.TryEnd(e.TraceId, e.SpanId, r.EpochNs)) return;
        if (!_bySpan.Remove((e.TraceId, e.SpanId), out var o)) return;
        if (cluster is not null && cluster.IsNotTheTask(e.TraceId, NodeId, r.EpochMs, e.Status))
        {
            Unindex(o); // a cluster job's duplicate or abandoned attempt (ClusterLosses): the recorded attempt is its task
            return;
        }
        AddPending(o);
        o.Series ??= new TaskSeries(o.StartEpochNs, 0, EffectiveMhz, Builder.Spill);
        // The end record carries the whole tree's CPU: the last interval, after the last tick, is included.
        long total = Math.Max(o.Series.LastCpuNs, e.CpuTimeNs is { } cpu && o.Fresh ? cpu : o.Series.LastCpuNs);
        o.Series.End(r.EpochNs, total);
        // `tracekit run` measured the job's peak memory (its tree's, docs/cctf.md peak_rss_kb): the same figure
        // makes mem_capacity. Other invocations have only this converter's sum of the samples it read.
        Complete(o, e.PeakRssKb ?? o.PeakRssKb);
    }

    private void Complete(Open o, long peakRssKb)
    {
        Unindex(o);
        int copies = Copies.For(o.SampleRatio);
        int cores = o.CpusetCores > 0 ? Math.Min(NodeCores, o.CpusetCores) : NodeCores;
        Builder.Complete(o.Series!, o.Name, NodeId, o.SubmissionMs, EffectiveMhz, cores, peakRssKb, copies);
    }

    /// <summary>The CPUs in a cpuset list ("0-3,6"); 0 when absent or unreadable.</summary>
    internal static int CountCpus(string? cpuset)
    {
        if (string.IsNullOrWhiteSpace(cpuset)) return 0;
        int count = 0;
        foreach (var part in cpuset.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int dash = part.IndexOf('-');
            if (dash < 0) { if (!int.TryParse(part, out _)) return 0; count++; continue; }
            if (!int.TryParse(part.AsSpan(0, dash), out int lo) || !int.TryParse(part.AsSpan(dash + 1), out int hi) || hi < lo) return 0;
            count += hi - lo + 1;
        }
        return count;
    }

    private void Unindex(Open o)
    {
        foreach (var pid in _byPid.Where(kv => kv.Value == o).Select(kv => kv.Key).ToList()) _byPid.Remove(pid);
        if (o.Cgroup is not null) _byCgroup.Remove(o.Cgroup);
    }

    public override void Finish()
    {
        foreach (var ((traceId, _), o) in _bySpan)
        {
            AddPending(o);
            if (o.Series is null) continue;
            // A cluster job lost with this node ran again elsewhere: that attempt is its task (ClusterLosses).
            if (cluster is not null && cluster.Lost.Contains((traceId, NodeId))) continue;
            Complete(o, o.PeakRssKb);
        }
        _bySpan.Clear();
        _requests?.Finish();
    }
}
