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

    public string NodeDirectory => Path.Combine(OutDirectory, RunId, NodeId);
}
