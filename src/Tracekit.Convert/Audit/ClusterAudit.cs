using Tracekit.Format;

namespace Tracekit.Convert.Audit;

/// <summary>
/// A node's part of a cluster run (docs/cluster.md): the wait of each job it started, from its <c>queued</c>
/// placement event (the submit time) to its <c>started</c> one, both already on the node's timeline.
/// </summary>
public sealed class ClusterAudit
{
    private readonly Dictionary<string, long> _queuedMsByJob = new(StringComparer.Ordinal);

    public List<long> WaitsMs { get; } = [];

    public void OnPlacement(long epochMs, in Placement placement)
    {
        switch (placement.Event)
        {
            case "queued":
                _queuedMsByJob[placement.InstanceId] = epochMs;
                break;
            case "started" when _queuedMsByJob.Remove(placement.InstanceId, out long queuedMs):
                WaitsMs.Add(epochMs - queuedMs);
                break;
        }
    }

    /// <summary>The nearest-rank quantile of the waits; null when the node started no cluster job.</summary>
    public long? WaitQuantileMs(double q)
    {
        if (WaitsMs.Count == 0) return null;
        var sorted = WaitsMs.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
