using Tracekit.Cluster;

namespace Tracekit.Collector.Cluster;

/// <summary>What `tracekit agent` was asked to do.</summary>
public sealed record AgentSettings
{
    public required RedisTarget Redis { get; init; }
    public required string NodeId { get; init; }
    public string OutDirectory { get; init; } = "./logs";
    /// <summary>The CPU units this node offers before the allocation ratio (default: its cores).</summary>
    public int? CapacityUnits { get; init; }
    /// <summary>Overcommit: the scheduler may place capacity × ratio units here.</summary>
    public double AllocationRatio { get; init; } = 1.0;
    /// <summary>How often liveness and leases are renewed; they expire after <see cref="LeaseMs"/>.</summary>
    public int HeartbeatMs { get; init; } = 1000;
    public int LeaseMs { get; init; } = 3000;
    public int ClockEveryMs { get; init; } = 10_000;
    /// <summary>The TCP port peers are probed on: a refused connect (RST) is a round trip as good as an accepted one.</summary>
    public int ProbePort { get; init; } = 9;
    public long JobIntervalNs { get; init; } = 100_000_000;
}
