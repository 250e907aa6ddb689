namespace Tracekit.Cluster;

/// <summary>What went wrong talking to the cluster; each maps to one exit code of the CLI.</summary>
public enum ClusterProblem
{
    /// <summary>The Redis server did not answer (wrong address, down, firewalled).</summary>
    Unreachable,
    /// <summary>The server refused the password (or needs one and none was given).</summary>
    AuthenticationFailed,
    /// <summary>The run id is not known to the cluster.</summary>
    UnknownRun,
    /// <summary>The agents did not answer a cluster command in time.</summary>
    Timeout,
}

/// <summary>A cluster failure with a message for people: what failed, and what to do about it.</summary>
public sealed class ClusterException(ClusterProblem problem, string message) : Exception(message)
{
    public ClusterProblem Problem { get; } = problem;
}
