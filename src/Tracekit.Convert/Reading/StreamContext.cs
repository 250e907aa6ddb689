using System.Text.Json;

namespace Tracekit.Convert.Reading;

/// <summary>What every row from one stream shares: its node and stage, pre-encoded once for the JSON writers.</summary>
public sealed class StreamContext
{
    public StreamContext(StreamSource source, string stage, long clusterOffsetNs = 0)
    {
        Source = source;
        ClusterOffsetNs = clusterOffsetNs;
        Stage = stage;
        StageJson = JsonEncodedText.Encode(stage, Output.JsonText.Encoder);
        NodeJson = JsonEncodedText.Encode(source.NodeId, Output.JsonText.Encoder);
        NodeAndStage = EncodeNodeAndStage();
    }

    public StreamSource Source { get; }

    /// <summary>Added to every epoch time of this stream: its node's offset to the cluster clock (<see cref="ClusterClock"/>), 0 outside cluster runs.</summary>
    public long ClusterOffsetNs { get; }

    public string NodeId => Source.NodeId;

    public string Name => Source.Name;

    /// <summary>From the first readable segment header; empty until one was read.</summary>
    public string Stage { get; private set; }

    public JsonEncodedText StageJson { get; private set; }

    public JsonEncodedText NodeJson { get; }

    /// <summary>
    /// <c>,"node":"…","stage":"…"</c>, the identity every node-scoped row carries, encoded once per stream (values
    /// escaped by System.Text.Json) so a row copies it in one move (<see cref="Output.JsonRow.Raw"/>).
    /// </summary>
    public byte[] NodeAndStage { get; private set; }

    /// <summary>Records read from this stream so far: anchors, unknown kinds and records that failed to decode included (the audit's "records written").</summary>
    public long RecordsRead { get; internal set; }

    /// <summary>The header of the first readable segment, or null when none could be read.</summary>
    public Tracekit.Ring.RingHeaderInfo? FirstHeader { get; private set; }

    internal void SetFirstHeader(Tracekit.Ring.RingHeaderInfo header)
    {
        if (FirstHeader is null)
        {
            FirstHeader = header;
            Stage = header.Stage;
            StageJson = JsonEncodedText.Encode(header.Stage, Output.JsonText.Encoder);
            NodeAndStage = EncodeNodeAndStage();
        }
    }

    private byte[] EncodeNodeAndStage()
    {
        var bytes = new List<byte>(64);
        bytes.AddRange(Cctf.CctfNames.Node.Prefix);
        bytes.Add((byte)'"');
        bytes.AddRange(NodeJson.EncodedUtf8Bytes);
        bytes.Add((byte)'"');
        bytes.AddRange(Cctf.CctfNames.Stage.Prefix);
        bytes.Add((byte)'"');
        bytes.AddRange(StageJson.EncodedUtf8Bytes);
        bytes.Add((byte)'"');
        return [.. bytes];
    }
}
