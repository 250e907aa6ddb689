using System.Globalization;
using StackExchange.Redis;

namespace Tracekit.Cluster;

/// <summary>A job an agent claimed: what to run and the cluster-clock times (epoch ms) of its life so far.</summary>
public sealed record ClaimedJob(string JobId, string RunId, string[] Argv, int CpuUnits, string? Input, string? Output,
    long SubmitMs, long PlacedMs, long StartedMs, int Attempt);

/// <summary>What a node tells the cluster about itself at registration.</summary>
public sealed record NodeRegistration(string NodeId, int Cores, double MaxMhz, long MemTotalKb, int CapacityUnits, string Address);

/// <summary>A node as `tracekit cluster status` shows it.</summary>
public sealed record NodeState(string NodeId, bool Alive, IReadOnlyDictionary<string, string> Fields);

/// <summary>The cluster's operations, each one command or one script (ClusterScripts) on Redis.</summary>
public sealed class ClusterClient(ClusterConnection connection) : IDisposable
{
    private readonly IDatabase _db = connection.Database;

    public ClusterConnection Connection => connection;

    public void RegisterNode(NodeRegistration node)
    {
        string key = ClusterKeys.Node(node.NodeId);
        _db.HashSet(key,
        [
            new("cores", node.Cores), new("max_mhz", node.MaxMhz.ToString(CultureInfo.InvariantCulture)), new("mem_kb", node.MemTotalKb),
            new("capacity", node.CapacityUnits), new("address", node.Address),
            // The agent's own figures start afresh: jobs_done counts this agent's ended attempts.
            new("jobs_done", 0), new("collecting", ""),
        ]);
        // used/instances belong to the scripts: a restarted agent's old claims are released by the reaper, not here.
        _db.HashSet(key, "used", 0, When.NotExists);
        _db.HashSet(key, "instances", 0, When.NotExists);
        _db.SetAdd(ClusterKeys.Nodes, node.NodeId);
    }

    /// <summary>Renews the node's liveness and its jobs' leases; returns how many claimed jobs it holds.</summary>
    /// <summary>Renews the node's liveness and its leases; returns those of <paramref name="runningJobIds"/> the node no longer holds (to fence).</summary>
    public string[] Heartbeat(string nodeId, int ttlMs, IReadOnlyCollection<string> runningJobIds)
    {
        var args = new RedisValue[2 + runningJobIds.Count];
        args[0] = nodeId;
        args[1] = ttlMs;
        int i = 2;
        foreach (var id in runningJobIds) args[i++] = id;
        return ((RedisResult[])Eval(ClusterScripts.Heartbeat, args)!).Select(r => (string)r!).ToArray();
    }

    public (string JobId, long SubmitMs) Submit(string runId, JobSpec job, int retries)
    {
        string id = JobSpec.NewJobId();
        long submitMs = (long)Eval(ClusterScripts.Submit, id, runId, job.ArgvJson(), job.CpuUnits, job.Input ?? "", job.Output ?? "", retries, job.SubmitOffsetMs);
        return (id, submitMs);
    }

    public List<(string JobId, string NodeId)> Place(string weigher, bool backfill, int batch, int window)
    {
        var result = (RedisResult[])Eval(ClusterScripts.Place, weigher, backfill ? "1" : "0", batch, window)!;
        var placed = new List<(string, string)>(result.Length / 2);
        for (int i = 0; i + 1 < result.Length; i += 2) placed.Add(((string)result[i]!, (string)result[i + 1]!));
        return placed;
    }

    public ClaimedJob? Claim(string nodeId, int leaseMs)
    {
        var result = Eval(ClusterScripts.Claim, nodeId, leaseMs);
        if (result.IsNull) return null;
        var f = (RedisResult[])result!;
        string? Optional(int i) => string.IsNullOrEmpty((string?)f[i]) ? null : (string)f[i]!;
        return new ClaimedJob((string)f[0]!, (string)f[2]!, JobSpec.ParseArgvJson((string)f[3]!), (int)f[4], Optional(5), Optional(6),
            (long)f[7], (long)f[8], (long)f[1], (int)f[9]);
    }

    /// <summary>Records an attempt's end; returns the outcome (completed, failed, retried, duplicate) and the time.</summary>
    public (string Outcome, long FinishedMs) Complete(string jobId, string nodeId, int exitStatus)
    {
        var f = (RedisResult[])Eval(ClusterScripts.Complete, jobId, nodeId, exitStatus)!;
        return ((string)f[0]!, (long)f[1]);
    }

    /// <summary>
    /// Requeues the jobs of lost nodes; returns how many, or -1 while the Redis server is younger than
    /// <paramref name="restartGraceMs"/> (agents are still reconnecting after its restart, so nothing is reaped).
    /// </summary>
    public long Reap(int restartGraceMs) => (long)Eval(ClusterScripts.Reap, restartGraceMs);

    /// <summary>Where the job was lost before: (node, epoch ms) per requeue, oldest first.</summary>
    public List<(string NodeId, long AtMs)> Requeues(string jobId)
    {
        var list = new List<(string, long)>();
        foreach (var entry in _db.ListRange(ClusterKeys.Requeues(jobId)))
        {
            var parts = ((string)entry!).Split(' ');
            list.Add((parts[0], long.Parse(parts[1], CultureInfo.InvariantCulture)));
        }
        return list;
    }

    public bool RunExists(string runId) => _db.SetContains(ClusterKeys.Runs, runId);

    /// <summary>The run's jobs by state: queued (placed included), running, completed, failed.</summary>
    public (long Queued, long Running, long Completed, long Failed) RunCounts(string runId)
    {
        var f = (RedisResult[])Eval(ClusterScripts.RunCounts, runId)!;
        return ((long)f[0], (long)f[1], (long)f[2], (long)f[3]);
    }

    public List<NodeState> Nodes()
    {
        var nodes = new List<NodeState>();
        foreach (var id in _db.SetMembers(ClusterKeys.Nodes).Select(v => (string)v!).Order(StringComparer.Ordinal))
        {
            var fields = _db.HashGetAll(ClusterKeys.Node(id)).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
            nodes.Add(new NodeState(id, _db.KeyExists(ClusterKeys.Alive(id)), fields));
        }
        return nodes;
    }

    public void SetNodeFields(string nodeId, params HashEntry[] fields) => _db.HashSet(ClusterKeys.Node(nodeId), fields);

    public void Dispose() => connection.Dispose();

    private RedisResult Eval(string script, params RedisValue[] args) => _db.ScriptEvaluate(script, keys: null, values: args);
}
