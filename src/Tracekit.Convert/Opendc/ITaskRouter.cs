using Tracekit.Convert.Reading;
using Tracekit.Format;

namespace Tracekit.Convert.Opendc;

/// <summary>Routes one node's records, in time order, to the tasks they belong to.</summary>
internal interface ITaskRouter
{
    void OnRecord(StreamCursor record, ReadOnlySpan<byte> payload);

    /// <summary>Ends every task still open: a job still running when the collector stopped or died is still written.</summary>
    void Finish();

    NodeInfo? NodeInfo { get; }

    /// <summary>The node's recorded max MHz (0 when unknown).</summary>
    double MaxMhz { get; }

    /// <summary>The MHz fragments are scaled with: the recorded max, or the documented fallback.</summary>
    double EffectiveMhz { get; }
}

/// <summary>What both routers share: the node's description and the process birth time rule.</summary>
internal abstract class TaskRouterBase(TaskTableBuilder builder, string nodeId) : ITaskRouter
{
    protected TaskTableBuilder Builder { get; } = builder;
    protected string NodeId { get; } = nodeId;
    public NodeInfo? NodeInfo { get; private set; }
    public double MaxMhz => NodeInfo?.MaxMhz ?? 0;
    public double EffectiveMhz => MaxMhz > 0 ? MaxMhz : OpendcConverter.FallbackMaxMhz;
    protected int NodeCores => Math.Max(1, NodeInfo?.CoreCount ?? 1);

    /// <summary>Epoch ns of the first record of the node: what "started during the collection" is measured against.</summary>
    protected long FirstEpochNs { get; private set; }

    /// <summary>The boot time is the node's own clock: births go on the cluster clock as its records do.</summary>
    private long _clusterOffsetNs;

    public void OnRecord(StreamCursor record, ReadOnlySpan<byte> payload)
    {
        if (FirstEpochNs == 0) FirstEpochNs = record.EpochNs;
        if (record.Kind == RecordKind.NodeInfo && RecordDecoder.TryDecode(payload, out NodeInfo info, out _))
        {
            if (NodeInfo is null || info.MaxMhz > 0)
            {
                NodeInfo = info;
                _clusterOffsetNs = record.Stream.ClusterOffsetNs;
            }
            return;
        }
        Route(record, payload);
    }

    protected abstract void Route(StreamCursor record, ReadOnlySpan<byte> payload);

    public abstract void Finish();

    /// <summary>A process's birth, epoch ns, from its start ticks and the node's boot time; null when unknown.</summary>
    protected long? BirthEpochNs(ulong startTicks)
    {
        if (NodeInfo is not { BootTimeRealtimeNs: > 0, ClockTicksPerSecond: > 0 } info) return null;
        return info.BootTimeRealtimeNs + _clusterOffsetNs + (long)(startTicks * (1e9 / info.ClockTicksPerSecond));
    }
}
