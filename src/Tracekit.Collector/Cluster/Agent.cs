using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;
using Tracekit.Cluster;
using Tracekit.Collector.Cli;
using Tracekit.Collector.Sampling;
using Tracekit.Native;
using Tracekit.Procfs;

namespace Tracekit.Collector.Cluster;

/// <summary>
/// `tracekit agent`: the per-node daemon of cluster mode (docs/cluster.md). Idle, it costs a heartbeat a second:
/// jobs and commands arrive by pub/sub, which wakes the one loop that claims jobs, records their ends and
/// (re)starts or stops collections. Every step that changes shared state is one script on Redis. While Redis is
/// away, jobs and collections keep running and recording locally; their ends are reported when it is back.
/// </summary>
public sealed class Agent : IDisposable
{
    private readonly AgentSettings _settings;
    private readonly ClusterClient _client;
    private readonly TextWriter _log;
    private readonly JobLauncher _launcher;
    private double _coresPerUnit = 1.0;
    private readonly AutoResetEvent _wake = new(false);
    private readonly ManualResetEvent _stop = new(false);
    private readonly ConcurrentQueue<(ClaimedJob Job, int Status)> _ended = new();
    private readonly Dictionary<int, (ClaimedJob Job, Process Process)> _running = [];
    /// <summary>PIDs of attempts already sent SIGTERM by <see cref="Fence"/>; guarded by the lock on <see cref="_running"/>.</summary>
    private readonly HashSet<int> _fenced = [];
    private readonly Dictionary<string, RunCollection> _collections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PlacementLog> _logs = new(StringComparer.Ordinal);
    private const int RecentEstimates = 6;
    private readonly List<ClusterClockSample> _clockSamples = [];
    private readonly Queue<ClockOffsetEstimator.Estimate> _recentEstimates = new();
    private readonly object _clockGate = new();
    private ClockOffsetEstimator.Estimate _clock;
    private bool _redisDown;
    /// <summary>The collection whose figures the heartbeat publishes for `cluster status` (the latest started), while it runs.</summary>
    private volatile RunCollection? _reported;
    private const int StatusEveryMs = 5_000;
    private int _jobsDone;
    private long _nextClockMs;
    private long _nextProbeMs;

    public Agent(AgentSettings settings, ClusterClient client, TextWriter log)
    {
        _settings = settings;
        _client = client;
        _log = log;
        _launcher = new JobLauncher(settings);
    }

    public ClockOffsetEstimator.Estimate Clock { get { lock (_clockGate) return _clock; } }

    public void RequestStop()
    {
        _stop.Set();
        _wake.Set();
    }

    /// <summary>Registers, then serves until <see cref="RequestStop"/>; returns the exit code.</summary>
    public int Run()
    {
        var info = NodeInfoReader.Read();
        int units = (int)Math.Floor((_settings.CapacityUnits ?? info.CpuCores) * _settings.AllocationRatio);
        _coresPerUnit = JobLauncher.CoresPerUnit(info.CpuCores, _settings.CapacityUnits);
        _client.RegisterNode(new NodeRegistration(_settings.NodeId, info.CpuCores, info.CpuMaxMhz ?? 0, info.MemTotalKb, units, LocalAddress()));
        MeasureClock();
        _client.Heartbeat(_settings.NodeId, _settings.LeaseMs, []);
        var sub = _client.Connection.Subscriber;
        sub.Subscribe(RedisChannel.Literal(ClusterKeys.NodeWake(_settings.NodeId)), (_, _) => _wake.Set());
        sub.Subscribe(RedisChannel.Literal(ClusterKeys.Commands), (_, _) => _wake.Set());
        _client.Connection.OnRestored(() => _wake.Set());
        var heartbeat = new Thread(HeartbeatLoop) { IsBackground = true, Name = "tracekit-heartbeat" };
        heartbeat.Start();
        // Its own thread: reading a ring segment on a busy node must never delay a heartbeat past the lease.
        new Thread(StatusLoop) { IsBackground = true, Name = "tracekit-status" }.Start();
        _log.WriteLine($"tracekit agent: node {_settings.NodeId} registered at {_client.Connection.Target} with {units} CPU units; clock offset {_clock.OffsetNs / 1e6:F3} ms ± {_clock.UncertaintyNs / 1e6:F3} ms");

        while (!_stop.WaitOne(0))
        {
            Step(claim: true);
            // Woken by pub/sub (a placement, a command), a job's end, a reconnect (messages may have been lost
            // meanwhile), or the heartbeat when Redis was away. The timeout is only a backstop.
            WaitHandle.WaitAny([_wake, _stop], _settings.HeartbeatMs * 30);
        }
        Drain();
        heartbeat.Join(_settings.HeartbeatMs * 2);
        return (int)Cli.ReturnCode.Ok;
    }

    private void Step(bool claim)
    {
        try
        {
            ReportEnded();
            if (claim) ClaimAll();
            Reconcile(stopping: !claim);
            ProbePeersIfDue();
            if (_redisDown)
            {
                _redisDown = false;
                _log.WriteLine("tracekit agent: Redis is reachable again");
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            if (!_redisDown) _log.WriteLine($"tracekit agent: Redis is away ({e.GetType().Name}); jobs and collections keep recording locally, reconnecting");
            _redisDown = true;
        }
    }

    /// <summary>SIGTERM: stop claiming, let running jobs end and report them, stop collections.</summary>
    private void Drain()
    {
        while (true)
        {
            lock (_running) if (_running.Count == 0 && _ended.IsEmpty) break;
            Step(claim: false);
            _wake.WaitOne(_settings.HeartbeatMs);
        }
        foreach (var c in _collections.Values) StopCollection(c, final: false);
        _collections.Clear();
        foreach (var l in _logs.Values) l.Dispose();
        try { _client.Connection.Database.KeyDelete(ClusterKeys.Alive(_settings.NodeId)); }
        catch (RedisException) { }
    }

    private void HeartbeatLoop()
    {
        while (!_stop.WaitOne(_settings.HeartbeatMs))
        {
            try
            {
                string[] running;
                lock (_running) running = _running.Values.Select(r => r.Job.JobId).ToArray();
                var lost = _client.Heartbeat(_settings.NodeId, _settings.LeaseMs, running);
                if (lost.Length > 0) Fence(lost);
                if (Environment.TickCount64 >= _nextClockMs) MeasureClock();
                if (_redisDown) _wake.Set();
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                _redisDown = true;
            }
        }
    }

    /// <summary>
    /// Stops the attempts of jobs this node no longer holds (its leases lapsed and the reaper requeued them, or
    /// another attempt was recorded): their units were already given to other jobs, so each moment they run is
    /// the node above its capacity. SIGTERM to the attempt's `tracekit run`, which forwards it to the job; a job
    /// that ignores SIGTERM runs on (the agent does not escalate to a job it cannot see whole).
    /// </summary>
    private void Fence(string[] lostJobIds)
    {
        lock (_running)
        {
            foreach (var (pid, (job, _)) in _running)
            {
                if (!lostJobIds.Contains(job.JobId, StringComparer.Ordinal) || !_fenced.Add(pid)) continue;
                Libc.TrySendSignal(pid, Libc.SigTerm, out _);
                _log.WriteLine($"tracekit agent: job {job.JobId} was taken back from this node (requeued after its lease lapsed); its attempt is stopped");
            }
        }
    }

    private void StatusLoop()
    {
        while (!_stop.WaitOne(StatusEveryMs))
        {
            try
            {
                if (_reported is { } collection) PublishCollectionStatus(collection);
            }
            catch (Exception e) when (e is RedisException or TimeoutException) { } // the heartbeat reports Redis going away
        }
    }

    private void MeasureClock()
    {
        var estimate = ClockOffsetEstimator.Measure(_client.Connection.ServerTimeNs);
        lock (_clockGate)
        {
            _recentEstimates.Enqueue(estimate);
            if (_recentEstimates.Count > RecentEstimates) _recentEstimates.Dequeue();
            // The tightest of the last minute's estimates: one measured while the host or the network was busy
            // has a wide bracket and must not displace a good one (clocks drift by far less than that in a minute).
            _clock = _recentEstimates.MinBy(e => e.UncertaintyNs);
            _clockSamples.Add(new ClusterClockSample(estimate.MonotonicNs, estimate.RealtimeNs, estimate.OffsetNs, estimate.UncertaintyNs));
        }
        _nextClockMs = Environment.TickCount64 + _settings.ClockEveryMs;
        var chosen = Clock;
        _client.SetNodeFields(_settings.NodeId, new("clock_offset_ns", chosen.OffsetNs), new("clock_uncertainty_ns", chosen.UncertaintyNs));
    }

    private void ClaimAll()
    {
        while (_client.Claim(_settings.NodeId, _settings.LeaseMs) is { } job)
        {
            var process = _launcher.Start(job, Clock, _coresPerUnit);
            lock (_running) _running[process.Id] = (job, process);
            process.EnableRaisingEvents = true;
            process.Exited += (_, _) =>
            {
                lock (_running)
                {
                    _running.Remove(process.Id);
                    _fenced.Remove(process.Id);
                }
                _ended.Enqueue((job, process.ExitCode));
                _wake.Set();
            };
            if (process.HasExited) _wake.Set();
        }
    }

    private void ReportEnded()
    {
        while (_ended.TryPeek(out var ended))
        {
            var (job, status) = ended;
            var (outcome, finishedMs) = _client.Complete(job.JobId, _settings.NodeId, status);
            _ended.TryDequeue(out _);
            Interlocked.Increment(ref _jobsDone);
            WriteEvents(job, outcome, finishedMs);
            _client.SetNodeFields(_settings.NodeId, new HashEntry("jobs_done", Volatile.Read(ref _jobsDone)));
        }
    }

    /// <summary>
    /// The placement events of an attempt. The attempt that is recorded writes the job's whole history (queued,
    /// each requeue on the node that lost it, placed, started, finished or failed); a retried attempt writes its
    /// own placed, started and failed; a duplicate (the job was recorded first by another attempt, after a lease
    /// expired) writes placed, started and <c>duplicate</c>: it held capacity, but it is not the job's task; an
    /// abandoned attempt (taken back by a requeue, then stopped by fencing or failed) writes placed, started and
    /// <c>abandoned</c>: its node's units were released at the requeue, and the job runs again.
    /// </summary>
    private void WriteEvents(ClaimedJob job, string outcome, long finishedMs)
    {
        var log = LogFor(job.RunId);
        string node = _settings.NodeId;
        if (outcome is "completed" or "failed")
        {
            log.Placement(job.JobId, node, "queued", job.SubmitMs, job.CpuUnits);
            foreach (var (lostOn, atMs) in _client.Requeues(job.JobId)) log.Placement(job.JobId, lostOn, "requeued", atMs, job.CpuUnits);
        }
        log.Placement(job.JobId, node, "placed", job.PlacedMs, job.CpuUnits);
        log.Placement(job.JobId, node, "started", job.StartedMs, job.CpuUnits);
        log.Placement(job.JobId, node, outcome switch { "completed" => "finished", "duplicate" or "abandoned" => outcome, _ => "failed" }, finishedMs, job.CpuUnits);
        log.Flush();
        WriteClusterRecord(job.RunId, final: false);
    }

    private PlacementLog LogFor(string runId)
    {
        if (!_logs.TryGetValue(runId, out var log)) _logs[runId] = log = new PlacementLog(_settings.OutDirectory, runId, _settings.NodeId, Clock);
        return log;
    }

    /// <summary>Makes the local collections match tk:collecting (the commands are state, so a missed message is harmless).</summary>
    private void Reconcile(bool stopping)
    {
        var db = _client.Connection.Database;
        var wanted = stopping ? [] : db.SetMembers(ClusterKeys.Collecting).Select(v => (string)v!).ToHashSet(StringComparer.Ordinal);
        foreach (var runId in wanted.Where(r => !_collections.ContainsKey(r)).ToList())
        {
            var flags = ParseFlags(db.HashGet(ClusterKeys.RunCollect(runId), "flags"));
            var collection = RunCollection.Start(_settings, runId, flags);
            bool started = collection.WaitUntilCollecting(10_000);
            long nowMs = _client.Connection.ServerTimeNs() / 1_000_000;
            _collections[runId] = collection;
            db.SetAdd(ClusterKeys.RunMembers(runId), _settings.NodeId);
            db.HashSet(ClusterKeys.RunStarted(runId), _settings.NodeId, started ? nowMs.ToString(System.Globalization.CultureInfo.InvariantCulture) : "error: the collector exited at start; see the agent's log");
            _client.SetNodeFields(_settings.NodeId, new HashEntry("collecting", runId), new HashEntry("records", 0), new HashEntry("missed_ticks", 0));
            _reported = collection;
            _nextProbeMs = 0;
        }
        foreach (var runId in _collections.Keys.Where(r => !wanted.Contains(r)).ToList())
        {
            StopCollection(_collections[runId], final: true);
            _collections.Remove(runId);
        }
    }

    private void StopCollection(RunCollection collection, bool final)
    {
        int exit = collection.Stop(10_000);
        if (_logs.Remove(collection.RunId, out var log)) log.Dispose();
        WriteClusterRecord(collection.RunId, final);
        if (_reported == collection) _reported = null;
        try
        {
            PublishCollectionStatus(collection);
            _client.Connection.Database.HashSet(ClusterKeys.RunStopped(collection.RunId), _settings.NodeId, exit);
            _client.SetNodeFields(_settings.NodeId, new HashEntry("collecting", ""));
        }
        catch (RedisException) { _redisDown = true; }
    }

    /// <summary>
    /// The collection's records written and missed ticks for `cluster status`, read as `tracekit status` reads them:
    /// the latest SelfReport while it runs, meta.json's totals once it stopped. Every few seconds, not every
    /// heartbeat, and off the heartbeat's thread: it reads the ring's last segment.
    /// </summary>
    private void PublishCollectionStatus(RunCollection collection)
    {
        StatusCounters? counters;
        try { counters = CollectionStatus.Read(collection.Layout)?.Counters; }
        catch (Exception e) when (e is Tracekit.Ring.RingFormatException or IOException or UnauthorizedAccessException) { counters = null; }
        var jobsDone = new HashEntry("jobs_done", Volatile.Read(ref _jobsDone));
        if (counters is { } c)
            _client.SetNodeFields(_settings.NodeId, new HashEntry("records", c.RecordsWritten), new HashEntry("missed_ticks", c.MissedTicks), jobsDone);
        else
            _client.SetNodeFields(_settings.NodeId, jobsDone);
    }

    private void WriteClusterRecord(string runId, bool final)
    {
        IReadOnlyList<string> members;
        try { members = _client.Connection.Database.SetMembers(ClusterKeys.RunMembers(runId)).Select(v => (string)v!).Order(StringComparer.Ordinal).ToList(); }
        catch (RedisException) { members = [_settings.NodeId]; final = false; }
        List<ClusterClockSample> clock;
        lock (_clockGate) clock = [.. _clockSamples];
        new ClusterRecord(runId, _settings.NodeId, members, final, clock).Write(new RunLayout(_settings.OutDirectory, runId, _settings.NodeId));
    }

    /// <summary>While collecting, every 10 s: the RTT to every other live node, as Link records naming the peer node.</summary>
    private void ProbePeersIfDue()
    {
        if (_collections.Count == 0 || Environment.TickCount64 < _nextProbeMs) return;
        _nextProbeMs = Environment.TickCount64 + _settings.ClockEveryMs;
        var peers = _client.Nodes().Where(n => n.Alive && n.NodeId != _settings.NodeId && n.Fields.ContainsKey("address")).ToList();
        foreach (var runId in _collections.Keys)
        {
            var log = LogFor(runId);
            foreach (var peer in peers)
            {
                // Three probes: the smallest is kept downstream, so one delayed SYN does not make the link look slow.
                for (int i = 0; i < 3; i++) log.PeerRtt(peer.NodeId, PeerProber.Probe(peer.Fields["address"], _settings.ProbePort));
            }
            log.Flush();
        }
    }

    private static string[] ParseFlags(RedisValue json) => json.IsNullOrEmpty ? [] : JobSpec.ParseArgvJson((string)json!);

    /// <summary>The address this node reaches Redis from: the one its peers can reach it on.</summary>
    private string LocalAddress()
    {
        try
        {
            using var socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
            socket.Connect(_settings.Redis.Host, _settings.Redis.Port);
            var address = ((IPEndPoint)socket.LocalEndPoint!).Address;
            return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
        }
        catch (SocketException)
        {
            return "";
        }
    }

    public void Dispose()
    {
        _wake.Dispose();
        _stop.Dispose();
    }
}
