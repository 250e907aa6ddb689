namespace Tracekit.Cluster;

/// <summary>Every Redis key and channel of cluster mode, in one place (docs/cluster.md, "Redis keys").</summary>
public static class ClusterKeys
{
    public const string Prefix = "tk:";
    /// <summary>Set of every node id that ever registered.</summary>
    public const string Nodes = "tk:nodes";
    /// <summary>List of job ids waiting for placement, oldest first (the FIFO).</summary>
    public const string Queue = "tk:queue";
    /// <summary>Set of run ids the cluster knows (submitted to or started).</summary>
    public const string Runs = "tk:runs";
    /// <summary>Set of run ids the agents must be collecting now.</summary>
    public const string Collecting = "tk:collecting";
    /// <summary>Channel: a job was queued or capacity was freed; the schedulers try to place.</summary>
    public const string SchedulerWake = "tk:wake:scheduler";
    /// <summary>Channel: a cluster command (start or stop of a run's collection) was given.</summary>
    public const string Commands = "tk:commands";

    public static string Node(string nodeId) => "tk:node:" + nodeId;
    public static string Alive(string nodeId) => "tk:alive:" + nodeId;
    public static string Inbox(string nodeId) => "tk:inbox:" + nodeId;
    public static string Processing(string nodeId) => "tk:proc:" + nodeId;
    public static string NodeWake(string nodeId) => "tk:wake:" + nodeId;
    public static string Job(string jobId) => "tk:job:" + jobId;
    public static string Lease(string jobId) => "tk:lease:" + jobId;
    public static string Requeues(string jobId) => "tk:requeues:" + jobId;
    public static string RunJobs(string runId) => "tk:run:" + runId + ":jobs";
    public static string RunMembers(string runId) => "tk:run:" + runId + ":members";
    public static string RunCollect(string runId) => "tk:run:" + runId + ":collect";
    public static string RunStarted(string runId) => "tk:run:" + runId + ":started";
    public static string RunStopped(string runId) => "tk:run:" + runId + ":stopped";
}
