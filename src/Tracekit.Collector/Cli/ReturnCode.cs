namespace Tracekit.Collector.Cli;

/// <summary>Exit codes of every `tracekit` command, documented in docs/cli.md.</summary>
/// <remarks>`tracekit run` is the exception: it returns the job's own exit status.</remarks>
public enum ReturnCode
{
    Ok = 0,
    UnknownError = 1,
    ArgumentError = 2,
    /// <summary>The output could not be created: a full disk, a permission, an existing ring.</summary>
    OutputError = 3,
    /// <summary>The run or node folder named by `status` or `stop` does not exist.</summary>
    RunNotFound = 4,
    /// <summary>`stop`: the collector was signalled but did not exit within --timeout (it may still be flushing).</summary>
    StopTimedOut = 8,
    /// <summary>Cluster mode: the Redis server named by --redis cannot be reached.</summary>
    RedisUnreachable = 20,
    /// <summary>Cluster mode: the Redis server refused the password.</summary>
    RedisAuthFailed = 21,
    /// <summary>Cluster mode: the agents did not answer `tracekit cluster start|stop` within --timeout.</summary>
    ClusterTimeout = 22,
    /// <summary>`tracekit run` could not start the job (not found, not executable).</summary>
    JobStartError = 127,
}
