using System.Text.Json;
using Tracekit.Convert.Output;
using Tracekit.Format;

namespace Tracekit.Convert.Cctf;

/// <summary>What nodes.json and links.json say about one node: its latest NodeInfo and its Link records.</summary>
public sealed class NodeDescription(string nodeId)
{
    private readonly Dictionary<string, long> _speedMbpsByInterface = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _minRttNsByPeer = new(StringComparer.Ordinal);

    public string NodeId { get; } = nodeId;

    public string Stage { get; set; } = string.Empty;

    public NodeInfo? Info { get; private set; }

    /// <summary>The smallest RTT measured to any peer: queueing only adds to an RTT, so the minimum is the best
    /// estimate of the propagation delay.</summary>
    public long? MinRttNs { get; private set; }

    /// <summary>The fastest counted interface: the one a node's traffic leaves by when it has several.</summary>
    public long? LinkSpeedMbps => _speedMbpsByInterface.Count == 0 ? null : _speedMbpsByInterface.Values.Max();

    /// <summary>The smallest RTT this node measured to <paramref name="peer"/> (a cluster agent names peers by node id).</summary>
    public long? MinRttNsTo(string peer) => _minRttNsByPeer.TryGetValue(peer, out long rtt) ? rtt : null;

    public void OnNodeInfo(in NodeInfo info) => Info = info;

    public void OnLink(in Link link)
    {
        if (link.SpeedMbps is long speed && speed > 0 && NetworkInterfaces.IsCounted(link.Interface))
        {
            _speedMbpsByInterface[link.Interface] = speed;
        }

        if (link.RttNs is long rtt && rtt > 0)
        {
            MinRttNs = MinRttNs is long min ? Math.Min(min, rtt) : rtt;
            if (link.Peer is { Length: > 0 } peer)
            {
                _minRttNsByPeer[peer] = _minRttNsByPeer.TryGetValue(peer, out long m) ? Math.Min(m, rtt) : rtt;
            }
        }
    }
}

/// <summary>Writes nodes.json and links.json (JSON arrays, one element per node, in node-id order).</summary>
public static class NodeCatalogWriter
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JsonText.Encoder };

    public static void WriteNodes(Stream stream, IEnumerable<NodeDescription> nodes)
    {
        using var json = new Utf8JsonWriter(stream, Options);
        json.WriteStartArray();
        foreach (var node in nodes)
        {
            json.WriteStartObject();
            json.WriteString(CctfNames.NodeId, node.NodeId);
            json.WriteString(CctfNames.Stage, node.Stage);
            if (node.Info is NodeInfo info)
            {
                json.WriteNumber(CctfNames.CpuCores, info.CoreCount);
                json.WriteNumber(CctfNames.MemMb, info.MemTotalKb / 1024);
                json.WriteString(CctfNames.CpuModel, info.CpuModel);
                json.WriteNumberOrNull(CctfNames.CpuFreqMhz, info.MaxMhz > 0 ? info.MaxMhz : null);
                json.WriteString(CctfNames.Hostname, info.Hostname);
                json.WriteString(CctfNames.Kernel, info.Kernel);
            }
            else
            {
                foreach (var name in (ReadOnlySpan<JsonEncodedText>)[CctfNames.CpuCores, CctfNames.MemMb, CctfNames.CpuModel, CctfNames.CpuFreqMhz, CctfNames.Hostname, CctfNames.Kernel])
                {
                    json.WriteNull(name);
                }
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    public static void WriteLinks(Stream stream, IEnumerable<NodeDescription> nodes)
    {
        using var json = new Utf8JsonWriter(stream, Options);
        json.WriteStartArray();
        foreach (var node in nodes)
        {
            json.WriteStartObject();
            json.WriteString(CctfNames.U, node.NodeId);
            json.WriteString(CctfNames.V, node.NodeId + ".net");
            json.WriteNumberOrNull(CctfNames.BwBps, node.LinkSpeedMbps * 1_000_000);
            json.WriteNumberOrNull(CctfNames.PrS, node.MinRttNs is long rtt ? rtt / 2 / 1e9 : null);
            json.WriteEndObject();
        }

        WriteNodePairs(json, nodes.ToList());
        json.WriteEndArray();
    }

    /// <summary>
    /// One entry per pair of nodes that measured each other (cluster agents probe their peers by node id,
    /// docs/cluster.md): PR_s is half the smallest RTT either side saw, BW_bps the slower side's link speed.
    /// </summary>
    private static void WriteNodePairs(Utf8JsonWriter json, List<NodeDescription> nodes)
    {
        for (int i = 0; i < nodes.Count; i++)
        {
            for (int j = i + 1; j < nodes.Count; j++)
            {
                var (u, v) = (nodes[i], nodes[j]);
                long? rtt = (u.MinRttNsTo(v.NodeId), v.MinRttNsTo(u.NodeId)) switch
                {
                    (long a, long b) => Math.Min(a, b),
                    (long a, null) => a,
                    (null, long b) => b,
                    _ => null,
                };
                if (rtt is null) continue;
                long? bw = (u.LinkSpeedMbps, v.LinkSpeedMbps) switch
                {
                    (long a, long b) => Math.Min(a, b) * 1_000_000,
                    (long a, null) => a * 1_000_000,
                    (null, long b) => b * 1_000_000,
                    _ => null,
                };
                json.WriteStartObject();
                json.WriteString(CctfNames.U, u.NodeId);
                json.WriteString(CctfNames.V, v.NodeId);
                json.WriteNumberOrNull(CctfNames.BwBps, bw);
                json.WriteNumberOrNull(CctfNames.PrS, rtt.Value / 2 / 1e9);
                json.WriteEndObject();
            }
        }
    }
}
