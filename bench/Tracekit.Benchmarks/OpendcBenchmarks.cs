using BenchmarkDotNet.Attributes;
using Tracekit.Opendc;
using Tracekit.Opendc.Validation;

namespace Tracekit.Benchmarks;

/// <summary>
/// OpenDC output throughput. Each invocation handles <see cref="Fragments"/> fragments and is declared as that
/// many operations, so the reported time is per fragment: fragments/s = 1e9 / (ns per op). Goal: writing at
/// least 2 M fragments/s (issue 4). Input: 1,000 tasks x 1,000 fragments of mostly flat, jittering usage.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("opendc")]
public class OpendcBenchmarks
{
    private const int Fragments = 1_000_000;
    private const int Tasks = 1_000;

    private OpendcFragment[] _input = [];
    private string _dir = "";
    private string _mergedPath = "";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _input = new OpendcFragment[Fragments];
        for (int i = 0; i < Fragments; i++)
        {
            int task = i / (Fragments / Tasks);
            double usage = random.Next(20) == 0 ? random.NextDouble() * 8000 : 1000 + (random.NextDouble() * 0.15);
            _input[i] = new OpendcFragment(task, 300_000, usage);
        }

        _dir = Directory.CreateTempSubdirectory("tracekit-opendc-bench-").FullName;
        _mergedPath = Path.Combine(Directory.CreateDirectory(Path.Combine(_dir, "merged")).FullName, OpendcColumns.FragmentsFileName);
        var tasks = Enumerable.Range(0, Tasks).Select(t => new OpendcTask(
            t, 1_700_000_000_000, 300_000L * (Fragments / Tasks), 1, 2100, 1_024_000, null));
        TasksParquetWriter.Write(Path.Combine(_dir, OpendcColumns.TasksFileName), tasks, writeDependencies: false);
        WriteFragmentsForValidation();
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    /// <summary>Append + SNAPPY row groups + footer: the converter's write path.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Fragments)]
    public long WriteFragments()
    {
        using var writer = new FragmentsParquetWriter(Path.Combine(_dir, OpendcColumns.FragmentsFileName));
        foreach (ref readonly var fragment in _input.AsSpan())
        {
            writer.Append(fragment);
        }

        return writer.Count;
    }

    /// <summary>The same with 0.1 MHz merging in front, as `tracekit-convert opendc --merge-below-mhz 0.1` does.</summary>
    [Benchmark(OperationsPerInvoke = Fragments)]
    public long MergeAndWriteFragments()
    {
        var merger = new FragmentMerger(0.1);
        using var writer = new FragmentsParquetWriter(_mergedPath);
        foreach (ref readonly var fragment in _input.AsSpan())
        {
            merger.PushTo(fragment, writer);
        }

        merger.FlushTo(writer);
        return writer.Count;
    }

    /// <summary>Streaming validation of the written workload (reads every fragment once).</summary>
    [Benchmark(OperationsPerInvoke = Fragments)]
    public long ValidateWorkload() => OpendcValidator.Validate(_dir, null, strict: true).FragmentCount;

    private void WriteFragmentsForValidation()
    {
        using var writer = new FragmentsParquetWriter(Path.Combine(_dir, OpendcColumns.FragmentsFileName));
        foreach (var fragment in _input)
        {
            writer.Append(fragment);
        }
    }
}
