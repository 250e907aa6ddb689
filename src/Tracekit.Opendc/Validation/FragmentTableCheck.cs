using ParquetSharp;
using C = Tracekit.Opendc.OpendcColumns;

namespace Tracekit.Opendc.Validation;

/// <summary>
/// Streams fragments.parquet in batches of <see cref="Lockstep.BatchRows"/> rows: memory is the batch buffers plus
/// the per-task tallies in the registry, however many fragments there are.
/// </summary>
internal static class FragmentTableCheck
{
    public static long Run(List<ParquetInput> inputs, TaskRegistry tasks, FindingSink sink)
    {
        long rowsRead = 0;
        for (int f = 0; f < inputs.Count; f++)
        {
            var input = inputs[f];
            try
            {
                using var reader = new ParquetFileReader(input.Path);
                SchemaChecker.CheckCodecs(reader, input.DisplayName, sink);
                var bindings = SchemaChecker.Check(reader.FileMetaData, input.DisplayName, TableSpecs.Fragments, sink);
                tasks.IdsComplete &= bindings.ContainsKey(C.Id);
                rowsRead += ReadRows(reader, bindings, input.DisplayName, f, tasks, sink);
            }
            catch (Exception e)
            {
                // A damaged file surfaces as whatever ParquetSharp or its native reader throws (ParquetException,
                // ArgumentOutOfRangeException for an unknown logical type, ...): report it, never crash.
                sink.Error(input.DisplayName, null, null, "unreadable", $"cannot read ({e.GetType().Name}): {e.Message}");
                tasks.IdsComplete = false;
            }
        }

        return rowsRead;
    }

    private static long ReadRows(
        ParquetFileReader reader, Dictionary<string, ColumnBinding> bindings, string file, int fileIndex, TaskRegistry tasks,
        FindingSink sink)
    {
        long baseRow = 0;
        for (int g = 0; g < reader.FileMetaData.NumRowGroups; g++)
        {
            using var rowGroup = reader.RowGroup(g);
            long rows = rowGroup.MetaData.NumRows;
            using var id = new ColumnBatch<int>(rowGroup, bindings, C.Id, Lockstep.BatchRows);
            using var duration = new ColumnBatch<long>(rowGroup, bindings, C.Duration, Lockstep.BatchRows);
            using var cpuUsage = new ColumnBatch<double>(rowGroup, bindings, C.CpuUsage, Lockstep.BatchRows);
            using var gpuUsage = new ColumnBatch<double>(rowGroup, bindings, C.GpuUsage, Lockstep.BatchRows);
            for (long done = 0; done < rows;)
            {
                int want = (int)Math.Min(Lockstep.BatchRows, rows - done);
                int got = Lockstep.Read(want, file, baseRow + done, sink, id.Read, duration.Read, cpuUsage.Read, gpuUsage.Read);
                for (int i = 0; i < got; i++)
                {
                    long row = baseRow + done + i;
                    CheckRow(file, fileIndex, row, i, id, duration, cpuUsage, gpuUsage, tasks, sink);
                }

                if (got < want)
                {
                    break;
                }

                done += got;
            }

            baseRow += rows;
        }

        return baseRow;
    }

    private static void CheckRow(
        string file, int fileIndex, long row, int i, ColumnBatch<int> id, ColumnBatch<long> duration,
        ColumnBatch<double> cpuUsage, ColumnBatch<double> gpuUsage, TaskRegistry tasks, FindingSink sink)
    {
        foreach (IColumnBatch required in (ReadOnlySpan<IColumnBatch>)[id, duration, cpuUsage])
        {
            if (required.IsBound && !required.IsPresent(i))
            {
                sink.Error(file, required.Column, row, "null", "null in a column OpenDC requires");
            }
        }

        long durationMs = duration.Values[i];
        bool durationOk = duration.Present[i] && durationMs > 0;
        if (duration.Present[i] && durationMs <= 0)
        {
            sink.Error(file, C.Duration, row, "duration <= 0", $"duration must be > 0 (got {durationMs})");
        }

        CheckUsage(file, C.CpuUsage, row, cpuUsage, i, sink);
        CheckUsage(file, C.GpuUsage, row, gpuUsage, i, sink);
        if (!id.Present[i] || !tasks.IdsComplete)
        {
            return;
        }

        int index = tasks.IndexOf(id.Values[i]);
        if (index < 0)
        {
            sink.Error(file, C.Id, row, "orphan fragment", $"fragment id {id.Values[i]} is not a task id");
            return;
        }

        ref var task = ref tasks.Entries[index];
        task.FragmentCount++;
        task.FragmentSumMs += durationOk ? durationMs : 0;
        if (task.LastFragmentFile >= 0 && task.LastFragmentFile != fileIndex)
        {
            sink.Warning(file, C.Id, row, "split task",
                $"fragments of task {task.Id} span several part files: their playback order depends on the order OpenDC lists the files");
        }

        task.LastFragmentFile = fileIndex;
    }

    private static void CheckUsage(string file, string column, long row, ColumnBatch<double> usage, int i, FindingSink sink)
    {
        if (usage.Present[i] && !(double.IsFinite(usage.Values[i]) && usage.Values[i] >= 0))
        {
            sink.Error(file, column, row, "usage", $"{column} must be finite and >= 0 MHz (got {usage.Values[i]})");
        }
    }
}
