namespace Tracekit.EventPipe;

/// <summary>How much a <see cref="CaptureMessage"/> matters.</summary>
public enum CaptureMessageLevel
{
    /// <summary>Attach, detach: normal life of a target.</summary>
    Info,
    /// <summary>A target could not be observed, or its stream broke; the other targets and sources go on.</summary>
    Warning,
}

/// <summary>A line for the user about one target (pid 0: the capture itself).</summary>
public readonly record struct CaptureMessage(CaptureMessageLevel Level, int Pid, string Text)
{
    public override string ToString() => Pid == 0 ? $"dotnet: {Text}" : $"dotnet pid {Pid}: {Text}";
}

/// <summary>Where a followed process is in its life.</summary>
public enum TargetState
{
    Attaching,
    Attached,
    /// <summary>The session ended: the process exited, or the capture stopped.</summary>
    Detached,
    /// <summary>The session could not be started; <see cref="TargetStatus.Error"/> says why.</summary>
    Failed,
}

/// <summary>A snapshot of one followed process. <paramref name="Directory"/> is its stream folder (null if none was made).</summary>
public sealed record TargetStatus(int Pid, string Module, TargetState State, long BytesWritten, string? Directory, string? Error);
