namespace Tracekit.Collector.Tests.Support;

/// <summary>
/// Tests whose assertions are CPU accuracy, or that load the CPU heavily. xunit runs a collection with
/// DisableParallelization alone, after the parallel ones, so these never overlap each other or any other test.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CpuAccuracyCollection
{
    public const string Name = "cpu-accuracy";
}
