using System.Text.Json;
using Tracekit.Opendc.Validation;

namespace Tracekit.Opendc.Tests;

public sealed class TopologyWriterTests : IDisposable
{
    private readonly TestWorkload _workload = TestWorkload.Valid();

    public void Dispose() => _workload.Dispose();

    private string TopologyPath => Path.Combine(_workload.Dir, "topology.json");

    [Fact]
    public void Write_IdenticalNodes_OneHostEntryWithCount()
    {
        TopologyNode[] nodes =
        [
            new("node-a", 8, 2400, 32_768), new("node-b", 16, 2100, 65_536), new("node-c", 8, 2400, 32_768),
        ];

        var groups = TopologyWriter.Write(TopologyPath, nodes);

        using var json = JsonDocument.Parse(File.ReadAllText(TopologyPath));
        var hosts = json.RootElement.GetProperty("clusters")[0].GetProperty("hosts");
        Assert.Equal(2, hosts.GetArrayLength());
        Assert.Equal(2, hosts[0].GetProperty("count").GetInt32());
        Assert.Equal(8, hosts[0].GetProperty("cpu").GetProperty("coreCount").GetInt32());
        Assert.Equal(2400, hosts[0].GetProperty("cpu").GetProperty("coreSpeed").GetDouble());
        Assert.Equal(32_768, hosts[0].GetProperty("memory").GetProperty("memorySize").GetInt64());
        Assert.Equal(1, hosts[1].GetProperty("count").GetInt32());
        Assert.Equal(["node-a", "node-c"], groups[0].NodeIds);
        Assert.Equal("H02", groups[1].Name);
    }

    [Fact]
    public void Write_DefaultPowerModel_LinearWithOpendcDefaults()
    {
        TopologyWriter.Write(TopologyPath, [new TopologyNode("n", 4, 2400, 16_384)]);

        using var json = JsonDocument.Parse(File.ReadAllText(TopologyPath));
        var model = json.RootElement.GetProperty("clusters")[0].GetProperty("hosts")[0].GetProperty("cpuPowerModel");
        Assert.Equal("linear", model.GetProperty("modelType").GetString());
        Assert.Equal(200.0, model.GetProperty("idlePower").GetDouble());
        Assert.Equal(400.0, model.GetProperty("maxPower").GetDouble());
    }

    [Fact]
    public void Write_Output_PassesStrictValidation()
    {
        TopologyWriter.Write(TopologyPath, [new TopologyNode("n1", 4, 2400, 16_384), new TopologyNode("n2", 8, 3000, 8192)]);

        Assert.Empty(_workload.Validate(strict: true, topologyPath: TopologyPath).Findings);
    }

    [Fact]
    public void Write_ClusterNameNeedingEscapes_RoundTrips()
    {
        const string Name = "rack \"7\"\\ünï\n\u0001";
        TopologyWriter.Write(TopologyPath, [new TopologyNode("n", 4, 2400, 16_384)], new TopologyOptions(ClusterName: Name));

        using var json = JsonDocument.Parse(File.ReadAllText(TopologyPath));
        Assert.Equal(Name, json.RootElement.GetProperty("clusters")[0].GetProperty("name").GetString());
    }

    [Theory]
    [InlineData(0, 2400, 16_384)]
    [InlineData(4, 2.4, 16_384)]
    [InlineData(4, 2_400_000_000, 16_384)]
    [InlineData(4, 2400, 17_179_869_184)]
    [InlineData(4, 2400, 0)]
    public void Write_ImplausibleNode_Throws(int cores, double mhz, long mib)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TopologyWriter.Write(TopologyPath, [new TopologyNode("n", cores, mhz, mib)]));
    }

    [Fact]
    public void Write_MaxPowerBelowIdle_Throws()
    {
        Assert.Throws<ArgumentException>(() =>
            TopologyWriter.Write(TopologyPath, [new TopologyNode("n", 4, 2400, 16_384)], new TopologyOptions(IdlePowerW: 300, MaxPowerW: 200)));
    }

    [Fact]
    public void Write_NoNodes_Throws()
    {
        Assert.Throws<ArgumentException>(() => TopologyWriter.Write(TopologyPath, []));
    }
}
