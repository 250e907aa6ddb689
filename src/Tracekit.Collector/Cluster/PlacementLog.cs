using Tracekit.Cluster;
using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Collector.Cluster;

/// <summary>
/// The agent's own stream in a run's node folder (streams/agent-PID): the Placement records of the jobs it ran and
/// the Link records of its peer probes. Cluster-clock times (Redis TIME, epoch ms) are put on this node's
/// monotonic clock through one offset estimate, so every event sits on the node's own timeline in cluster order.
/// </summary>
public sealed class PlacementLog : IDisposable
{
    private readonly RingWriter _ring;
    private readonly RecordSink _sink;
    private readonly string _runId;
    private readonly ClockOffsetEstimator.Estimate _clock;

    /// <param name="clock">The one offset this log maps cluster times with: a later, different estimate would shift
    /// some events against others by up to the estimates' uncertainty and could reorder a release and a placement.</param>
    public PlacementLog(string outDirectory, string runId, string nodeId, ClockOffsetEstimator.Estimate clock)
    {
        _clock = clock;
        var layout = new RunLayout(outDirectory, runId, nodeId);
        layout.CreateDirectories();
        _runId = runId;
        _ring = RingWriter.Create(new RingOptions
        {
            DirectoryPath = layout.StreamDirectory($"agent-{Environment.ProcessId}"),
            SegmentCapacityInBytes = 1L << 20,
            RunId = runId,
            NodeId = nodeId,
            Stage = "cloud",
        });
        _sink = new RecordSink(_ring);
        _sink.Write(ClockPair.Read().ToAnchor());
    }

    public void Placement(string jobId, string nodeId, string placementEvent, long clusterEpochMs, int cpuUnits)
    {
        _sink.Write(new Placement
        {
            TimestampNs = ToMonotonicNs(clusterEpochMs, _clock),
            AppId = _runId,
            ModuleId = "batch",
            InstanceId = jobId,
            NodeId = nodeId,
            Event = placementEvent,
            Stage = "cloud",
            CpuUnits = cpuUnits,
        });
    }

    public void PeerRtt(string peerNodeId, long? rttNs) =>
        _sink.Write(new Link { TimestampNs = Monotonic.NowNs(), Interface = "", Peer = peerNodeId, RttNs = rttNs });

    public void Flush()
    {
        _sink.Write(ClockPair.Read().ToAnchor());
        _ring.Flush();
    }

    /// <summary>
    /// Cluster epoch ms → this node's CLOCK_MONOTONIC ns, in the middle of that ms: the converter maps it back
    /// (through an anchor, plus the node's best offset) and floors to ms, so a few µs of mapping error, or a best
    /// offset a little off this one, cannot move an event into the ms before and reorder a release and a placement.
    /// </summary>
    public static ulong ToMonotonicNs(long clusterEpochMs, ClockOffsetEstimator.Estimate clock)
    {
        long localEpochNs = clusterEpochMs * 1_000_000 + 500_000 - clock.OffsetNs;
        return (ulong)Math.Max(0, clock.MonotonicNs + (localEpochNs - clock.RealtimeNs));
    }

    public void Dispose()
    {
        Flush();
        _ring.Dispose();
    }
}
