using System.Runtime.InteropServices;
using ParquetSharp;

namespace Tracekit.Opendc;

/// <summary>
/// Writes tasks.parquet with the exact schema of the contract: six REQUIRED columns, OPTIONAL UTF8 <c>name</c> and,
/// unless disabled, <c>parents</c>/<c>children</c> as three-level LISTs (<c>list</c>/<c>element</c>) of INT32.
/// Tasks are streamed in row groups of <see cref="RowGroupRows"/>.
/// </summary>
public static class TasksParquetWriter
{
    public const int RowGroupRows = 64 * 1024;

    /// <summary>
    /// Writes the tasks in the given order. Per-row rules (duration &gt; 0, cpu_count &gt;= 1, finite non-negative
    /// capacity, non-negative memory, unique ids) throw before anything invalid reaches the file; whether children
    /// mirror parents is a cross-row rule left to <see cref="Validation.OpendcValidator"/>.
    /// A null or empty Parents/Children list is written as an empty list (as OpenDC's own workflow fixture does),
    /// so readers never see NULL there.
    /// </summary>
    /// <returns>The number of tasks written.</returns>
    public static long Write(string path, IEnumerable<OpendcTask> tasks, bool writeDependencies = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tasks);
        using var schema = OpendcSchemas.Tasks(writeDependencies);
        using var properties = ParquetWriterSettings.Create();
        using var writer = new ParquetFileWriter(path, schema, properties);
        var seenIds = new HashSet<int>();
        var batch = new List<OpendcTask>(RowGroupRows);
        long written = 0;
        foreach (var task in tasks)
        {
            CheckTask(task, seenIds);
            batch.Add(task);
            if (batch.Count == RowGroupRows)
            {
                WriteRowGroup(writer, batch, writeDependencies);
                written += batch.Count;
                batch.Clear();
            }
        }

        // An empty workload still gets one (empty) row group so every reader sees the schema the same way.
        if (batch.Count > 0 || written == 0)
        {
            WriteRowGroup(writer, batch, writeDependencies);
            written += batch.Count;
        }

        writer.Close();
        return written;
    }

    private static void CheckTask(OpendcTask task, HashSet<int> seenIds)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!seenIds.Add(task.Id))
        {
            throw new ArgumentException($"task {task.Id}: duplicate task id", nameof(task));
        }

        if (task.DurationMs <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(task), task.DurationMs, $"task {task.Id}: duration must be > 0 ms");
        }

        if (task.CpuCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(task), task.CpuCount, $"task {task.Id}: cpu_count must be >= 1");
        }

        if (!double.IsFinite(task.CpuCapacityMhz) || task.CpuCapacityMhz < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(task), task.CpuCapacityMhz, $"task {task.Id}: cpu_capacity must be finite and >= 0 MHz");
        }

        if (task.MemCapacity < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(task), task.MemCapacity, $"task {task.Id}: mem_capacity must be >= 0");
        }
    }

    private static void WriteRowGroup(ParquetFileWriter writer, List<OpendcTask> batch, bool writeDependencies)
    {
        var rows = CollectionsMarshal.AsSpan(batch);
        using var rowGroup = writer.AppendRowGroup();
        WriteRequired(rowGroup, rows, static t => t.Id);
        WriteRequired(rowGroup, rows, static t => t.SubmissionTimeMs);
        WriteRequired(rowGroup, rows, static t => t.DurationMs);
        WriteRequired(rowGroup, rows, static t => t.CpuCount);
        WriteRequired(rowGroup, rows, static t => t.CpuCapacityMhz);
        WriteRequired(rowGroup, rows, static t => t.MemCapacity);
        WriteNames(rowGroup, rows);
        if (writeDependencies)
        {
            WriteIntList(rowGroup, rows, static t => t.Parents);
            WriteIntList(rowGroup, rows, static t => t.Children);
        }

        rowGroup.Close();
    }

    private static void WriteRequired<T>(RowGroupWriter rowGroup, ReadOnlySpan<OpendcTask> rows, Func<OpendcTask, T> select)
        where T : unmanaged
    {
        var values = new T[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            values[i] = select(rows[i]);
        }

        using var column = (ColumnWriter<T>)rowGroup.NextColumn();
        column.WriteBatch(values);
    }

    private static void WriteNames(RowGroupWriter rowGroup, ReadOnlySpan<OpendcTask> rows)
    {
        var names = new string?[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            names[i] = rows[i].Name;
        }

        using var column = rowGroup.NextColumn();
        using var logical = column.LogicalWriter<string?>();
        logical.WriteBatch(names);
    }

    /// <summary>
    /// Writes levels by hand for <c>optional group (LIST) { repeated group list { optional int32 element } }</c>:
    /// max definition level 3 (group present 1, list entry 2, element value 3), max repetition level 1.
    /// </summary>
    private static void WriteIntList(
        RowGroupWriter rowGroup, ReadOnlySpan<OpendcTask> rows, Func<OpendcTask, IReadOnlyList<int>?> select)
    {
        const short EmptyList = 1;
        const short ValuePresent = 3;
        var defLevels = new List<short>(rows.Length);
        var repLevels = new List<short>(rows.Length);
        var values = new List<int>(rows.Length);
        foreach (var task in rows)
        {
            var list = select(task);
            if (list is null || list.Count == 0)
            {
                defLevels.Add(EmptyList);
                repLevels.Add(0);
                continue;
            }

            for (int k = 0; k < list.Count; k++)
            {
                defLevels.Add(ValuePresent);
                repLevels.Add(k == 0 ? (short)0 : (short)1);
                values.Add(list[k]);
            }
        }

        using var column = (ColumnWriter<int>)rowGroup.NextColumn();
        column.WriteBatch(
            defLevels.Count,
            CollectionsMarshal.AsSpan(defLevels),
            CollectionsMarshal.AsSpan(repLevels),
            CollectionsMarshal.AsSpan(values));
    }
}
