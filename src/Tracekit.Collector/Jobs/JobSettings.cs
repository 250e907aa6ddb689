namespace Tracekit.Collector.Jobs;

/// <summary>What `tracekit run` was asked to do.</summary>
public sealed record JobSettings
{
    public required string RunId { get; init; }
    public required string NodeId { get; init; }
    public string Stage { get; init; } = "cloud";
    public string OutDirectory { get; init; } = "./logs";
    public string? TraceId { get; init; }
    /// <summary>When the job was queued, epoch ms (e.g. from a scheduler); null = not known.</summary>
    public long? EnqueueEpochMs { get; init; }
    public string? InputPath { get; init; }
    public string? OutputPath { get; init; }
    public long IntervalNs { get; init; } = 100_000_000;
    public long RingSizeInBytes { get; init; } = 4L << 20;
    /// <summary>--container: the job is this container, which the command starts (ContainerJob); null = the command's own tree.</summary>
    public string? Container { get; init; }
    /// <summary>--cpu-limit: the job's cgroup may use this many cores (CFS quota); null = no limit.</summary>
    public double? CpuLimitCores { get; init; }
    public required string Command { get; init; }
    public IReadOnlyList<string> Arguments { get; init; } = [];
}
