namespace Tracekit.Dotnet;

/// <summary>How much a <see cref="TracerMessage"/> matters.</summary>
public enum TracerMessageLevel
{
    /// <summary>Attach, detach: normal life of a target.</summary>
    Info,
    /// <summary>A target could not be observed, or lost events; the other targets and sources go on.</summary>
    Warning,
}

/// <summary>A line for the user about one target (pid 0: the tracer itself).</summary>
public readonly record struct TracerMessage(TracerMessageLevel Level, int Pid, string Text)
{
    public override string ToString() => Pid == 0 ? $"dotnet: {Text}" : $"dotnet pid {Pid}: {Text}";
}
