using Tracekit.Convert.Audit;
using Tracekit.Convert.Output;
using Tracekit.Convert.Reading;
using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Convert.Cctf;

/// <summary>
/// Converts the records of one node, in time order, into its rows: decodes each record once and hands it to the
/// writer of its file. State is per node (processes, open invocations, previous counters), so nodes never mix.
/// Also the node's <see cref="IReadObserver"/>: anchors become clock_anchors.jsonl rows, damage goes to the audit.
/// </summary>
internal sealed class NodeConverter : IReadObserver
{
    private readonly CctfFileSet _files;
    private readonly NodeAudit _audit;
    private readonly NodeDescription _description;
    private readonly Action<string> _warn;
    private readonly HostMetricsWriter _host;
    private readonly LinkMetricsWriter _links;
    private readonly ProcessMetricsWriter _processes;
    private readonly InvocationJoiner _invocations;
    private readonly EventWriters _events;
    private readonly CgroupMetricsWriter _cgroups;

    public NodeConverter(CctfFileSet files, NodeAudit audit, NodeDescription description, Action<string> warn)
    {
        _files = files;
        _audit = audit;
        _description = description;
        _warn = warn;
        _host = new HostMetricsWriter(files.HostMetrics, audit);
        _links = new LinkMetricsWriter(files.LinkMetrics, audit, audit.NodeId);
        _processes = new ProcessMetricsWriter(files, audit);
        _invocations = new InvocationJoiner(files.Invocations, audit, _processes);
        _events = new EventWriters(files);
        _cgroups = new CgroupMetricsWriter(files.CgroupMetrics);
    }

    public void Convert(StreamCursor r, ReadOnlySpan<byte> payload)
    {
        DecodeError error;
        switch (r.Kind)
        {
            case RecordKind.HostCpu:
                if (RecordDecoder.TryDecode(payload, out HostCpu hostCpu, out error)) { Count(r); _host.OnCpu(r, hostCpu); return; }
                break;
            case RecordKind.HostMemory:
                if (RecordDecoder.TryDecode(payload, out HostMemory memory, out error)) { Count(r); _host.OnMemory(r, memory); return; }
                break;
            case RecordKind.NetDevice:
                if (RecordDecoder.TryDecode(payload, out NetDevice device, out error)) { Count(r); _links.OnNetDevice(r, device); return; }
                break;
            case RecordKind.ProcessSample:
                if (RecordDecoder.TryDecode(payload, out ProcessSample sample, out error)) { Count(r); _processes.OnSample(r, sample); return; }
                break;
            case RecordKind.ProcessStart:
                if (RecordDecoder.TryDecode(payload, out ProcessStart start, out error)) { Count(r); _events.OnProcessStart(r, start); return; }
                break;
            case RecordKind.ProcessExit:
                if (RecordDecoder.TryDecode(payload, out ProcessExit exit, out error)) { Count(r); _events.OnProcessExit(r, exit); _processes.OnExit(exit); return; }
                break;
            case RecordKind.CgroupSample:
                if (RecordDecoder.TryDecode(payload, out CgroupSample cgroup, out error)) { Count(r); _cgroups.OnSample(r, cgroup); return; }
                break;
            case RecordKind.InvocationStart:
                if (RecordDecoder.TryDecode(payload, out InvocationStart invocationStart, out error)) { Count(r); _invocations.OnStart(r, invocationStart); return; }
                break;
            case RecordKind.InvocationEnd:
                if (RecordDecoder.TryDecode(payload, out InvocationEnd invocationEnd, out error)) { Count(r); _invocations.OnEnd(r, invocationEnd); return; }
                break;
            case RecordKind.DotnetMetric:
                if (RecordDecoder.TryDecode(payload, out DotnetMetric metric, out error)) { Count(r); _events.OnDotnetMetric(r, metric); return; }
                break;
            case RecordKind.DotnetEvent:
                if (RecordDecoder.TryDecode(payload, out DotnetEvent dotnetEvent, out error)) { Count(r); _events.OnDotnetEvent(r, dotnetEvent); return; }
                break;
            case RecordKind.NodeInfo:
                if (RecordDecoder.TryDecode(payload, out NodeInfo info, out error)) { Count(r); _description.OnNodeInfo(info); return; }
                break;
            case RecordKind.Link:
                if (RecordDecoder.TryDecode(payload, out Link link, out error)) { Count(r); _description.OnLink(link); return; }
                break;
            case RecordKind.Placement:
                if (RecordDecoder.TryDecode(payload, out Placement placement, out error)) { Count(r); _events.OnPlacement(r, placement); _audit.Cluster.OnPlacement(r.EpochMs, placement); return; }
                break;
            case RecordKind.SelfReport:
                if (RecordDecoder.TryDecode(payload, out SelfReport report, out error)) { Count(r); _audit.SelfReports[r.Stream.Name] = (report, r.Stream, r.EpochMs); return; }
                break;
            default:
                // The cursor consumes anchors and unknown kinds; nothing else reaches here.
                return;
        }

        OnDamagedRecord(r.Stream, r.SegmentPath, r.FileOffset, error);
    }

    /// <summary>Writes what only the end of the node's records completes: open invocations, the last tick.</summary>
    public void Finish()
    {
        _links.Flush();
        _invocations.Finish();
        _processes.Finish();
    }

    public void OnAnchor(StreamContext stream, in ClockAnchor anchor, AnchorSource source, string segmentPath)
    {
        if (source == AnchorSource.Record)
        {
            _audit.CountAnchorRecord();
            stream.RecordsRead++;
        }
        else
        {
            _audit.StreamHeaders.TryAdd(stream.Name, (stream.FirstHeader?.NodeId ?? string.Empty, stream.Stage, stream.FirstHeader?.RunId ?? string.Empty));
            if (_description.Stage.Length == 0)
            {
                _description.Stage = stream.Stage;
            }
        }

        _audit.Clock.Observe(stream, anchor, source);
        var row = _files.ClockAnchors.Row();
        row.Number(CctfNames.TsMs, EpochClock.ToEpochMs(anchor.RealtimeNs));
        row.Raw(stream.NodeAndStage);
        row.String(CctfNames.Stream, stream.Name);
        row.String(CctfNames.Source, source == AnchorSource.Record ? "record" : "segment_header");
        row.String(CctfNames.Segment, Path.GetFileName(segmentPath));
        row.Number(CctfNames.RealtimeNs, anchor.RealtimeNs);
        row.Number(CctfNames.MonotonicNs, anchor.TimestampNs);
        row.Number(CctfNames.SyncState, anchor.ClockSyncState);
        row.Number(CctfNames.ClockStatus, anchor.ClockStatus);
        row.Bool(CctfNames.Unsynchronized, ClockAudit.IsUnsynchronized(anchor.ClockSyncState, anchor.ClockStatus));
        row.Number(CctfNames.OffsetNs, anchor.ClockOffsetNs);
        row.Number(CctfNames.MaxErrorNs, anchor.ClockMaxErrorNs);
        row.Number(CctfNames.EstErrorNs, anchor.ClockEstErrorNs);
        row.End();
    }

    public void OnDamage(StreamContext stream, RingDamage damage)
    {
        _audit.AddDamage(damage);
        string what = damage.Kind switch
        {
            RingDamageKind.TornTail => "torn tail (normal after a crash)",
            RingDamageKind.Uncommitted => "uncommitted gap (normal after a crash)",
            _ => "corruption skipped (--salvage)",
        };
        _warn($"warning: node '{stream.NodeId}' stream '{stream.Name}': {what}: {damage.Message}");
    }

    public void OnDamagedRecord(StreamContext stream, string segmentPath, long fileOffset, DecodeError error)
    {
        stream.RecordsRead++;
        _audit.AddDamagedRecord(segmentPath, fileOffset, error);
    }

    public void OnUnknownKind(StreamContext stream, ulong kindNumber)
    {
        stream.RecordsRead++;
        _audit.AddUnknownKind(kindNumber);
    }

    private void Count(StreamCursor r)
    {
        r.Stream.RecordsRead++;
        _audit.CountRecord(r.Kind, r.EpochMs);
    }
}
