namespace Tracekit.Dotnet;

/// <summary>Where a followed process is in its life.</summary>
public enum TargetState
{
    Attaching,
    Attached,
    /// <summary>The session ended: the process exited, or the tracer stopped.</summary>
    Detached,
    /// <summary>The session could not be started; <see cref="TargetStatus.Error"/> says why.</summary>
    Failed,
}

/// <summary>A snapshot of one followed process.</summary>
public sealed record TargetStatus(
    int Pid,
    string Module,
    TargetState State,
    long EventsRead,
    long EventsLost,
    long Invocations,
    long MetricValues,
    long GcEvents,
    bool UsingEventCounters,
    string? Error);
