using Tracekit.Ring;

namespace Tracekit.Collector.Sampling;

/// <summary>Everything `tracekit collect` was asked to do, validated (see CollectCommand).</summary>
public sealed record CollectSettings
{
    public required string RunId { get; init; }
    public required string NodeId { get; init; }
    public string Stage { get; init; } = "cloud";
    public string OutDirectory { get; init; } = "./logs";
    public long IntervalNs { get; init; } = 100_000_000;
    /// <summary>How often host CPU, memory and network are read; a multiple of <see cref="IntervalNs"/> (see docs/cli.md).</summary>
    public long HostIntervalNs { get; init; } = 100_000_000;
    public SamplingPriority Priority { get; init; } = SamplingPriority.Auto;
    /// <summary>0 = until stopped.</summary>
    public long DurationNs { get; init; }
    public long RingSizeInBytes { get; init; } = 16L << 20;
    public RingPolicy Policy { get; init; } = RingPolicy.NoLoss;
    /// <summary>0 = unlimited.</summary>
    public long MaxSizeInBytes { get; init; }
    public IReadOnlyList<int> Pids { get; init; } = [];
    public string? PidDirectory { get; init; }
    public string? MatchPattern { get; init; }
    public IReadOnlyList<string> Cgroups { get; init; } = [];
    public IReadOnlyList<string> Containers { get; init; } = [];
    public bool All { get; init; }
    public IReadOnlyList<string> Peers { get; init; } = [];
    /// <summary>--dotnet: the .NET processes to capture over EventPipe; null when not given (Dotnet/DotnetCollect.cs).</summary>
    public Dotnet.DotnetSelection? Dotnet { get; init; }

    public string NodeDirectory => Path.Combine(OutDirectory, RunId, NodeId);
}

/// <summary>The scheduling class of the sampling thread (--priority).</summary>
public enum SamplingPriority
{
    /// <summary>Realtime (SCHED_FIFO 1) when the process may use it, else normal.</summary>
    Auto,
    /// <summary>Realtime or fail at start.</summary>
    Realtime,
    /// <summary>The normal class: ticks compete with the load for the CPU.</summary>
    Normal,
}
