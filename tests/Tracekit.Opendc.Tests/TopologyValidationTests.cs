using System.Text.Json.Nodes;
using Tracekit.Opendc.Validation;

namespace Tracekit.Opendc.Tests;

/// <summary>Topology rules: one mutation of a known-good topology per rule.</summary>
public sealed class TopologyValidationTests : IDisposable
{
    private const string Good = """
        {"clusters":[{"name":"C01","hosts":[{"name":"H01","count":4,
          "cpu":{"coreCount":4,"coreSpeed":2400},
          "memory":{"memorySize":16384},
          "cpuPowerModel":{"modelType":"linear","idlePower":100.0,"maxPower":200.0}}]}]}
        """;

    private readonly TestWorkload _workload = TestWorkload.Valid();

    public void Dispose() => _workload.Dispose();

    [Fact]
    public void Validate_ContractExampleTopology_NoFindings()
    {
        Assert.Empty(Validate(Good).Findings);
    }

    [Fact]
    public void Validate_UnknownHostKey_Error()
    {
        var report = Validate(Mutate(host => host["cores"] = 4));

        ReportAssert.OnlyError(report, "topology.json", "clusters[0].hosts[0].cores", null, "unknown key in host");
    }

    [Fact]
    public void Validate_MissingMemory_Error()
    {
        var report = Validate(Mutate(host => host.Remove("memory")));

        ReportAssert.OnlyError(report, "topology.json", "clusters[0].hosts[0].memory", null, "missing required key 'memory'");
    }

    [Fact]
    public void Validate_MemoryInBytes_UnitsError()
    {
        var report = Validate(Mutate(host => host["memory"]!["memorySize"] = 17_179_869_184L));

        ReportAssert.OnlyError(report, "topology.json", "clusters[0].hosts[0].memory.memorySize", null, "looks like bytes");
    }

    [Fact]
    public void Validate_CoreSpeedInGhz_UnitsError()
    {
        var report = Validate(Mutate(host => host["cpu"]!["coreSpeed"] = 2.4));

        ReportAssert.OnlyError(report, "topology.json", "clusters[0].hosts[0].cpu.coreSpeed", null, "looks like GHz");
    }

    [Fact]
    public void Validate_CoreCountZero_Error()
    {
        var report = Validate(Mutate(host => host["cpu"]!["coreCount"] = 0));

        ReportAssert.HasError(report, "topology.json", "clusters[0].hosts[0].cpu.coreCount", null, "coreCount must be >= 1");
    }

    [Fact]
    public void Validate_UnknownModelType_Error()
    {
        var report = Validate(Mutate(host => host["cpuPowerModel"]!["modelType"] = "quadratic"));

        ReportAssert.OnlyError(report, "topology.json", "clusters[0].hosts[0].cpuPowerModel.modelType", null, "'quadratic' is not one of");
    }

    [Fact]
    public void Validate_MaxPowerBelowIdle_Error()
    {
        var report = Validate(Mutate(host => host["cpuPowerModel"]!["maxPower"] = 50.0));

        ReportAssert.OnlyError(report, "topology.json", "clusters[0].hosts[0].cpuPowerModel.maxPower", null, "below idlePower");
    }

    [Fact]
    public void Validate_StringWhereNumberExpected_Error()
    {
        var report = Validate(Mutate(host => host["count"] = "four"));

        ReportAssert.OnlyError(report, "topology.json", "clusters[0].hosts[0].count", null, "expected integer");
    }

    [Fact]
    public void Validate_UnitString_WarningOnly()
    {
        var report = Validate(Mutate(host => host["cpu"]!["coreSpeed"] = "2.4 GHz"));

        ReportAssert.OnlyWarning(report, "topology.json", "clusters[0].hosts[0].cpu.coreSpeed", null, "not checked by Tracekit");
    }

    [Fact]
    public void Validate_InvalidJson_ErrorWithLine()
    {
        var report = Validate("{\"clusters\": [\n  {\"name\": }\n]}");

        ReportAssert.OnlyError(report, "topology.json", null, null, "not valid JSON (line 2");
    }

    [Fact]
    public void Validate_TaskLargerThanEveryHost_DoesNotFitWarning()
    {
        var report = Validate(Mutate(host => host["cpu"]!["coreCount"] = 2));

        ReportAssert.OnlyWarning(report, "tasks.parquet", "cpu_count", 2, "task 3 needs 4 cores");
    }

    private static string Mutate(Action<JsonObject> change)
    {
        var root = JsonNode.Parse(Good)!;
        change(root["clusters"]![0]!["hosts"]![0]!.AsObject());
        return root.ToJsonString();
    }

    private ValidationReport Validate(string topologyJson)
    {
        var path = Path.Combine(_workload.Dir, "topology.json");
        File.WriteAllText(path, topologyJson);
        return _workload.Validate(topologyPath: path);
    }
}
