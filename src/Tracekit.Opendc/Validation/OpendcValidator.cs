using C = Tracekit.Opendc.OpendcColumns;

namespace Tracekit.Opendc.Validation;

/// <summary>
/// Checks an OpenDC workload folder (and optionally a topology file) against every rule of
/// shared/specs/opendc-workload-contract.md. Errors are what makes OpenDC fail or silently misread the data;
/// warnings are what it tolerates but is suspect; <c>strict</c> makes warnings errors. See docs/opendc.md for
/// the rule list. Fragments are streamed: memory is O(tasks + batch), not O(fragments).
/// </summary>
public static class OpendcValidator
{
    public static ValidationReport Validate(string workloadDir, string? topologyPath, bool strict)
    {
        ArgumentNullException.ThrowIfNull(workloadDir);
        var sink = new FindingSink(strict);
        var tasks = new TaskRegistry();
        int taskRows = 0;
        long fragmentRows = 0;
        if (!Directory.Exists(workloadDir))
        {
            sink.Error(workloadDir, null, null, "missing folder", "workload folder not found");
            tasks.IdsComplete = false;
        }
        else
        {
            var graph = new DependencyGraph();
            var taskInputs = ParquetInputs.Resolve(workloadDir, C.TasksFileName, sink);
            var fragmentInputs = ParquetInputs.Resolve(workloadDir, C.FragmentsFileName, sink);
            tasks.IdsComplete = taskInputs.Count > 0;
            taskRows = checked((int)TaskTableCheck.Run(taskInputs, tasks, graph, sink));
            graph.Check(tasks, sink);
            fragmentRows = FragmentTableCheck.Run(fragmentInputs, tasks, sink);
            if (fragmentInputs.Count == 0)
            {
                tasks.IdsComplete = false;
            }

            CheckTaskTallies(tasks, sink);
        }

        if (topologyPath is not null)
        {
            var hosts = TopologyValidator.Validate(topologyPath, sink, out _);
            if (hosts is not null)
            {
                CheckFit(tasks, hosts, Path.GetFileName(topologyPath), sink);
            }
        }

        return new ValidationReport(sink.Complete(), taskRows, fragmentRows);
    }

    /// <summary>After all fragments: tasks OpenDC would drop, and durations that disagree with their fragments.</summary>
    private static void CheckTaskTallies(TaskRegistry tasks, FindingSink sink)
    {
        if (!tasks.IdsComplete)
        {
            return;
        }

        foreach (ref readonly var task in tasks.Entries)
        {
            string file = tasks.Files[task.FileIndex];
            if (task.FragmentCount == 0)
            {
                sink.Error(file, C.Id, task.Row, "no fragments", $"task {task.Id} has no fragments: OpenDC silently drops it");
            }
            else if (task.DurationMs > 0 && task.DurationMs != task.FragmentSumMs)
            {
                sink.Warning(file, C.Duration, task.Row, "duration != fragment sum",
                    $"task {task.Id}: duration {task.DurationMs} ms differs from the sum of its fragment durations {task.FragmentSumMs} ms (OpenDC plays the fragments)");
            }
        }
    }

    /// <summary>A task needs one host with enough cores and memory (mem_capacity / 1000 MiB), else OpenDC terminates it.</summary>
    private static void CheckFit(TaskRegistry tasks, List<TopologyHost> hosts, string topologyFile, FindingSink sink)
    {
        foreach (ref readonly var task in tasks.Entries)
        {
            if (task.CpuCount <= 0 || task.MemCapacity < 0)
            {
                continue;
            }

            double needMiB = task.MemCapacity / 1000.0;
            bool fits = false;
            foreach (var host in hosts)
            {
                fits |= host.Cores >= task.CpuCount && host.MemoryMiB >= needMiB;
            }

            if (!fits)
            {
                sink.Warning(tasks.Files[task.FileIndex], C.CpuCount, task.Row, "does not fit",
                    $"task {task.Id} needs {task.CpuCount} cores and {needMiB} MiB; no host in {topologyFile} has both: OpenDC terminates it");
            }
        }
    }
}
