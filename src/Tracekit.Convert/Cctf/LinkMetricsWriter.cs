using System.Text.Json;
using Tracekit.Convert.Audit;
using Tracekit.Convert.Output;
using Tracekit.Convert.Reading;
using Tracekit.Format;

namespace Tracekit.Convert.Cctf;

/// <summary>
/// link_metrics.jsonl for one node: one row per sampling tick, link = <c>&lt;node&gt;.nic</c>. rx_Bps and tx_Bps are
/// the sums over the counted interfaces (<see cref="NetworkInterfaces"/>) of each interface's byte-counter delta
/// divided by that interface's own interval, so an interface that appears mid-run adds its rate from its second
/// sample on, not its whole counter. The rows of one tick share one timestampNs (one clock read per tick).
/// </summary>
internal sealed class LinkMetricsWriter(JsonlFile file, NodeAudit audit, string nodeId)
{
    private readonly JsonEncodedText _link = JsonEncodedText.Encode(nodeId + ".nic", JsonText.Encoder);
    private readonly NetworkTickRates _rates = new();
    private StreamCursor? _tickRecord;
    private ulong _tickTimestampNs;
    private long _tickEpochMs;

    public void OnNetDevice(StreamCursor record, in NetDevice device)
    {
        if (_tickRecord is null || record.TimestampNs != _tickTimestampNs)
        {
            Flush();
            _tickRecord = record;
            _tickTimestampNs = record.TimestampNs;
            _tickEpochMs = record.EpochMs;
            audit.Network.Observe(record.EpochNs);
        }

        _rates.Add(device);
    }

    /// <summary>Writes the pending tick; called when a new tick starts and when the node ends.</summary>
    public void Flush()
    {
        if (_tickRecord is not null && _rates.Interfaces > 0)
        {
            var row = file.Row();
            row.Number(CctfNames.TsMs, _tickEpochMs);
            row.Raw(_tickRecord.Stream.NodeAndStage);
            row.String(CctfNames.Link, _link);
            row.Number(CctfNames.RxBps, Rows.Round3(_rates.RxBytesPerSecond));
            row.Number(CctfNames.TxBps, Rows.Round3(_rates.TxBytesPerSecond));
            row.End();
        }

        _tickRecord = null;
        _rates.NextTick();
    }
}
