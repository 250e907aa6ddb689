using Tracekit.Opendc;

namespace Tracekit.Convert.Opendc;

/// <summary>
/// Assigns task ids, merges and writes each finished task's fragments, and derives the task row. The sizing rule
/// (docs/opendc.md, "Tasks from a Tracekit run"):
/// cpu_count = the task's peak CPU demand in cores (<see cref="TaskSeries.PeakCores"/>), rounded up after forgiving
/// 0.1 core of sampling jitter, at least 1 and at most the cores it could use (its cpuset, within the node's);
/// cpu_capacity = cpu_count × the node's max MHz; mem_capacity = peak memory in MiB (rounded up, at least 1) × 1000,
/// the unit OpenDC's loader divides by 1000.
/// </summary>
public sealed class TaskTableBuilder
{
    private const double JitterCores = 0.1;
    private readonly FragmentsParquetWriter _fragments;
    private readonly double _mergeBelowMhz;
    private readonly List<OpendcTask> _tasks;
    private readonly List<TaskAccount> _accounts;

    public TaskTableBuilder(FragmentsParquetWriter fragments, double mergeBelowMhz, List<OpendcTask> tasks, List<TaskAccount> accounts, FragmentSpill? spill = null)
    {
        Spill = spill;
        _fragments = fragments;
        _mergeBelowMhz = mergeBelowMhz;
        _tasks = tasks;
        _accounts = accounts;
    }

    /// <summary>Where open tasks put their older fragments (null: all in memory).</summary>
    public FragmentSpill? Spill { get; }

    /// <param name="copies">
    /// How many tasks this series becomes: more than 1 for a sampled request scaled to the requests it stands for
    /// (`--sampled-tasks scale`); the copies are identical but for their id and a <c>#N</c> name suffix.
    /// </param>
    public void Complete(TaskSeries series, string name, string nodeId, long submissionTimeMs, double maxMhz, int maxCores, long peakRssKb, int copies = 1)
    {
        series.Finish();
        int id = _tasks.Count + 1;
        var merger = new FragmentMerger(_mergeBelowMhz);
        var written = copies > 1 ? new List<OpendcFragment>() : null;
        long durationMs = 0;
        double mhzMs = 0;
        foreach (var f in series.ReadFragments())
        {
            if (merger.Push(f with { TaskId = id }, out var merged)) Write(merged, written, ref durationMs, ref mhzMs);
        }
        if (merger.Flush(out var last)) Write(last, written, ref durationMs, ref mhzMs);

        int cpuCount = Math.Clamp((int)Math.Ceiling(series.PeakCores - JitterCores), 1, Math.Max(1, maxCores));
        long memMiB = Math.Max(1, (peakRssKb + 1023) / 1024);
        for (int copy = 0; copy < copies; copy++, id = _tasks.Count + 1)
        {
            string copyName = copy == 0 ? name : $"{name}#{copy + 1}";
            if (copy > 0) foreach (var f in written!) _fragments.Append(f with { TaskId = id });
            _tasks.Add(new OpendcTask(id, submissionTimeMs, durationMs, cpuCount, cpuCount * maxMhz, memMiB * 1000, copyName));
            _accounts.Add(new TaskAccount(id, copyName, nodeId, durationMs, series.CpuNs / 1e9, maxMhz, mhzMs / 1000));
        }
    }

    private void Write(in OpendcFragment fragment, List<OpendcFragment>? written, ref long durationMs, ref double mhzMs)
    {
        _fragments.Append(fragment);
        written?.Add(fragment);
        durationMs += fragment.DurationMs;
        mhzMs += fragment.CpuUsageMhz * fragment.DurationMs;
    }
}
