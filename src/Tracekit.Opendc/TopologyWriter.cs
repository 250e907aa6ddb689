using System.Text.Json;

namespace Tracekit.Opendc;

/// <summary>Power figures written into every host's linear cpuPowerModel (watts per host, not measured).</summary>
/// <param name="IdlePowerW">Draw at 0 % CPU. Default 200 W: OpenDC's own default power model.</param>
/// <param name="MaxPowerW">Draw at 100 % CPU. Default 400 W: OpenDC's own default power model.</param>
/// <param name="ClusterName">Name of the single cluster that holds all hosts.</param>
public sealed record TopologyOptions(double IdlePowerW = 200.0, double MaxPowerW = 400.0, string ClusterName = "C01");

/// <summary>One host entry of topology.json: identical nodes share it, with <see cref="NodeIds"/>.Count as count.</summary>
public sealed record TopologyHostGroup(
    string Name, int CoreCount, double CoreSpeedMhz, long MemoryMiB, IReadOnlyList<string> NodeIds);

/// <summary>
/// Writes an OpenDC topology.json: one cluster, one host entry per group of identical nodes (same core count,
/// core speed and memory), bare numbers in MHz, MiB and W, and a linear cpuPowerModel. Uses Utf8JsonWriter, so
/// names are escaped by System.Text.Json.
/// </summary>
public static class TopologyWriter
{
    /// <summary>Groups identical nodes, in order of first appearance; host names are H01, H02, ...</summary>
    public static IReadOnlyList<TopologyHostGroup> Group(IReadOnlyList<TopologyNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var order = new List<(int Cores, double Mhz, long MiB)>();
        var members = new Dictionary<(int, double, long), List<string>>();
        foreach (var node in nodes)
        {
            CheckNode(node);
            var key = (node.CoreCount, node.CoreSpeedMhz, node.MemoryMiB);
            if (!members.TryGetValue(key, out var ids))
            {
                ids = [];
                members.Add(key, ids);
                order.Add(key);
            }

            ids.Add(node.NodeId);
        }

        var groups = new List<TopologyHostGroup>(order.Count);
        for (int i = 0; i < order.Count; i++)
        {
            var (cores, mhz, mib) = order[i];
            groups.Add(new TopologyHostGroup($"H{i + 1:00}", cores, mhz, mib, members[order[i]]));
        }

        return groups;
    }

    public static IReadOnlyList<TopologyHostGroup> Write(string path, IReadOnlyList<TopologyNode> nodes, TopologyOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        return Write(stream, nodes, options);
    }

    public static IReadOnlyList<TopologyHostGroup> Write(Stream stream, IReadOnlyList<TopologyNode> nodes, TopologyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= new TopologyOptions();
        if (!(options.IdlePowerW >= 0) || !(options.MaxPowerW >= options.IdlePowerW) || options.MaxPowerW > TopologyLimits.MaxPowerW)
        {
            throw new ArgumentException(
                $"power model needs 0 <= idlePower <= maxPower <= {TopologyLimits.MaxPowerW} W", nameof(options));
        }

        ArgumentException.ThrowIfNullOrEmpty(options.ClusterName);
        var groups = Group(nodes);
        if (groups.Count == 0)
        {
            throw new ArgumentException("a topology needs at least one node", nameof(nodes));
        }

        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartArray("clusters");
        json.WriteStartObject();
        json.WriteString("name", options.ClusterName);
        json.WriteStartArray("hosts");
        foreach (var group in groups)
        {
            json.WriteStartObject();
            json.WriteString("name", group.Name);
            json.WriteNumber("count", group.NodeIds.Count);
            json.WriteStartObject("cpu");
            json.WriteNumber("coreCount", group.CoreCount);
            json.WriteNumber("coreSpeed", group.CoreSpeedMhz);
            json.WriteEndObject();
            json.WriteStartObject("memory");
            json.WriteNumber("memorySize", group.MemoryMiB);
            json.WriteEndObject();
            json.WriteStartObject("cpuPowerModel");
            json.WriteString("modelType", "linear");
            json.WriteNumber("idlePower", options.IdlePowerW);
            json.WriteNumber("maxPower", options.MaxPowerW);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        return groups;
    }

    private static void CheckNode(TopologyNode node)
    {
        if (node.CoreCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(node), node.CoreCount, $"node {node.NodeId}: coreCount must be >= 1");
        }

        if (!(node.CoreSpeedMhz >= TopologyLimits.MinCoreSpeedMhz && node.CoreSpeedMhz <= TopologyLimits.MaxCoreSpeedMhz))
        {
            throw new ArgumentOutOfRangeException(
                nameof(node),
                node.CoreSpeedMhz,
                $"node {node.NodeId}: coreSpeed must be in MHz, {TopologyLimits.MinCoreSpeedMhz}..{TopologyLimits.MaxCoreSpeedMhz}");
        }

        if (node.MemoryMiB <= 0 || node.MemoryMiB > TopologyLimits.MaxMemoryMiB)
        {
            throw new ArgumentOutOfRangeException(
                nameof(node), node.MemoryMiB, $"node {node.NodeId}: memory must be in MiB, 1..{TopologyLimits.MaxMemoryMiB}");
        }
    }
}
