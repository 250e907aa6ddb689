using ParquetSharp;
using C = Tracekit.Opendc.OpendcColumns;

namespace Tracekit.Opendc.Validation;

/// <summary>Schema and row checks of tasks.parquet; fills the task registry and the dependency graph.</summary>
internal static class TaskTableCheck
{
    /// <summary>2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z in epoch ms: outside, the value is not epoch ms.</summary>
    public const long MinPlausibleEpochMs = 946_684_800_000;
    public const long MaxPlausibleEpochMs = 4_102_444_800_000;

    public static long Run(List<ParquetInput> inputs, TaskRegistry registry, DependencyGraph graph, FindingSink sink)
    {
        long rowsRead = 0;
        foreach (var input in inputs)
        {
            int fileIndex = registry.Files.Count;
            registry.Files.Add(input.DisplayName);
            try
            {
                using var reader = new ParquetFileReader(input.Path);
                SchemaChecker.CheckCodecs(reader, input.DisplayName, sink);
                var bindings = SchemaChecker.Check(reader.FileMetaData, input.DisplayName, TableSpecs.Tasks, sink);
                registry.IdsComplete &= bindings.ContainsKey(C.Id);
                var fields = reader.FileMetaData.Schema.GroupNode.Fields.Select(static f => f.Name).ToHashSet(StringComparer.Ordinal);
                graph.NoteColumns(
                    fields.Contains(C.Parents), bindings.ContainsKey(C.Parents), fields.Contains(C.Children), bindings.ContainsKey(C.Children));
                rowsRead += ReadRows(reader, bindings, input.DisplayName, fileIndex, registry, graph, sink);
            }
            catch (Exception e)
            {
                // A damaged file surfaces as whatever ParquetSharp or its native reader throws (ParquetException,
                // ArgumentOutOfRangeException for an unknown logical type, ...): report it, never crash.
                sink.Error(input.DisplayName, null, null, "unreadable", $"cannot read ({e.GetType().Name}): {e.Message}");
                registry.IdsComplete = false;
            }
        }

        return rowsRead;
    }

    private static long ReadRows(
        ParquetFileReader reader, Dictionary<string, ColumnBinding> bindings, string file, int fileIndex,
        TaskRegistry registry, DependencyGraph graph, FindingSink sink)
    {
        long baseRow = 0;
        for (int g = 0; g < reader.FileMetaData.NumRowGroups; g++)
        {
            using var rowGroup = reader.RowGroup(g);
            long rows = rowGroup.MetaData.NumRows;
            var idsByRow = new int?[rows];
            using (var id = new ColumnBatch<int>(rowGroup, bindings, C.Id, Lockstep.BatchRows))
            using (var submission = new ColumnBatch<long>(rowGroup, bindings, C.SubmissionTime, Lockstep.BatchRows))
            using (var duration = new ColumnBatch<long>(rowGroup, bindings, C.Duration, Lockstep.BatchRows))
            using (var cpuCount = new ColumnBatch<int>(rowGroup, bindings, C.CpuCount, Lockstep.BatchRows))
            using (var cpuCapacity = new ColumnBatch<double>(rowGroup, bindings, C.CpuCapacity, Lockstep.BatchRows))
            using (var memCapacity = new ColumnBatch<long>(rowGroup, bindings, C.MemCapacity, Lockstep.BatchRows))
            {
                for (long done = 0; done < rows;)
                {
                    int want = (int)Math.Min(Lockstep.BatchRows, rows - done);
                    int got = Lockstep.Read(want, file, baseRow + done, sink,
                        id.Read, submission.Read, duration.Read, cpuCount.Read, cpuCapacity.Read, memCapacity.Read);
                    for (int i = 0; i < got; i++)
                    {
                        long row = baseRow + done + i;
                        CheckNulls(file, row, i, sink, id, submission, duration, cpuCount, cpuCapacity, memCapacity);
                        long? durationMs = duration.Present[i] ? duration.Values[i] : null;
                        int? cores = cpuCount.Present[i] ? cpuCount.Values[i] : null;
                        long? memory = memCapacity.Present[i] ? memCapacity.Values[i] : null;
                        CheckValues(file, row, durationMs, cores, memory, submission.Present[i] ? submission.Values[i] : null,
                            cpuCapacity.Present[i] ? cpuCapacity.Values[i] : null, sink);

                        // Sentinels (-1 / 0) mark values unknown or already reported, so later checks skip them.
                        var entry = new TaskEntry
                        {
                            Id = id.Values[i],
                            FileIndex = fileIndex,
                            Row = row,
                            DurationMs = durationMs is > 0 ? durationMs.Value : -1,
                            CpuCount = cores is > 0 ? cores.Value : 0,
                            MemCapacity = memory is >= 0 ? memory.Value : -1,
                            LastFragmentFile = -1,
                        };
                        if (id.Present[i])
                        {
                            idsByRow[done + i] = entry.Id;
                            Register(entry, file, row, registry, sink);
                        }
                    }

                    if (got < want)
                    {
                        break;
                    }

                    done += got;
                }
            }

            ReadDependencies(rowGroup, bindings, file, fileIndex, baseRow, idsByRow, graph, sink);
            baseRow += rows;
        }

        return baseRow;
    }

    private static void Register(in TaskEntry entry, string file, long row, TaskRegistry registry, FindingSink sink)
    {
        if (!registry.TryAdd(entry, out int existing))
        {
            var first = registry.Entries[existing];
            sink.Error(file, C.Id, row, "duplicate id",
                $"duplicate task id {entry.Id} (first at {registry.Files[first.FileIndex]} row {first.Row})");
        }
    }

    private static void CheckValues(
        string file, long row, long? durationMs, int? cpuCount, long? memCapacity, long? submissionMs, double? capacityMhz,
        FindingSink sink)
    {
        if (durationMs is <= 0)
        {
            sink.Error(file, C.Duration, row, "duration <= 0", $"duration must be > 0 (got {durationMs})");
        }

        if (cpuCount is < 1)
        {
            sink.Error(file, C.CpuCount, row, "cpu_count < 1", $"cpu_count must be >= 1 (got {cpuCount})");
        }

        if (capacityMhz is double capacity && !(double.IsFinite(capacity) && capacity >= 0))
        {
            sink.Error(file, C.CpuCapacity, row, "cpu_capacity", $"cpu_capacity must be finite and >= 0 MHz (got {capacity})");
        }

        if (memCapacity is < 0)
        {
            sink.Error(file, C.MemCapacity, row, "mem_capacity < 0", $"mem_capacity must be >= 0 (got {memCapacity})");
        }

        if (submissionMs is long ms && (ms < MinPlausibleEpochMs || ms >= MaxPlausibleEpochMs))
        {
            sink.Warning(file, C.SubmissionTime, row, "submission_time range",
                $"submission_time {ms} is not plausible epoch ms (expected 2000-01-01..2100-01-01, {MinPlausibleEpochMs}..{MaxPlausibleEpochMs})");
        }
    }

    /// <summary>A null in a column OpenDC requests as REQUIRED (the schema error says why; this says where).</summary>
    private static void CheckNulls(string file, long row, int i, FindingSink sink, params ReadOnlySpan<IColumnBatch> columns)
    {
        foreach (var column in columns)
        {
            if (column.IsBound && !column.IsPresent(i))
            {
                sink.Error(file, column.Column, row, "null", "null in a column OpenDC requires");
            }
        }
    }

    private static void ReadDependencies(
        RowGroupReader rowGroup, Dictionary<string, ColumnBinding> bindings, string file, int fileIndex, long baseRow,
        int?[] idsByRow, DependencyGraph graph, FindingSink sink)
    {
        foreach (var (column, isParents) in new[] { (C.Parents, true), (C.Children, false) })
        {
            if (!bindings.TryGetValue(column, out var binding))
            {
                continue;
            }

            ListColumnReader.ReadRows(rowGroup, binding, (localRow, elements, nullElement) =>
            {
                long row = baseRow + localRow;
                if (nullElement)
                {
                    sink.Error(file, column, row, "null element", $"null element in {column}");
                }

                if (localRow < idsByRow.Length && idsByRow[localRow] is int id)
                {
                    foreach (int other in elements)
                    {
                        graph.Add(isParents, id, other, fileIndex, row);
                    }
                }
            });
        }
    }
}
