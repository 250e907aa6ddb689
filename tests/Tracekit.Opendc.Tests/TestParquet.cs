using ParquetSharp;
using ParquetSharp.Schema;

namespace Tracekit.Opendc.Tests;

/// <summary>A column for hand-built (often deliberately wrong) parquet files.</summary>
internal abstract record TestColumn(string Name)
{
    public abstract int Rows { get; }

    public abstract Node MakeNode();

    public abstract void Write(ColumnWriter writer, int start, int count);
}

internal sealed record RequiredColumn<T>(string Name, PhysicalType Type, T[] Values) : TestColumn(Name)
    where T : unmanaged
{
    public override int Rows => Values.Length;

    public override Node MakeNode() => new PrimitiveNode(Name, Repetition.Required, LogicalType.None(), Type);

    public override void Write(ColumnWriter writer, int start, int count) =>
        ((ColumnWriter<T>)writer).WriteBatch(Values.AsSpan(start, count));
}

/// <summary>An OPTIONAL primitive column, nulls included; optionally with a logical type annotation.</summary>
internal sealed record OptionalColumn<T>(string Name, PhysicalType Type, T?[] Values, Func<LogicalType>? Logical = null)
    : TestColumn(Name)
    where T : unmanaged
{
    public override int Rows => Values.Length;

    public override Node MakeNode() =>
        new PrimitiveNode(Name, Repetition.Optional, Logical?.Invoke() ?? LogicalType.None(), Type);

    public override void Write(ColumnWriter writer, int start, int count)
    {
        var levels = new short[count];
        var dense = new List<T>();
        for (int i = 0; i < count; i++)
        {
            if (Values[start + i] is T value)
            {
                levels[i] = 1;
                dense.Add(value);
            }
        }

        ((ColumnWriter<T>)writer).WriteBatch(count, levels, default, dense.ToArray());
    }
}

/// <summary>A REQUIRED primitive column with a logical type (e.g. TIMESTAMP(MICROS) on an INT64).</summary>
internal sealed record AnnotatedColumn<T>(string Name, PhysicalType Type, T[] Values, Func<LogicalType> Logical) : TestColumn(Name)
    where T : unmanaged
{
    public override int Rows => Values.Length;

    public override Node MakeNode() => new PrimitiveNode(Name, Repetition.Required, Logical(), Type);

    public override void Write(ColumnWriter writer, int start, int count) =>
        ((ColumnWriter<T>)writer).WriteBatch(Values.AsSpan(start, count));
}

internal sealed record StringColumn(string Name, string?[] Values) : TestColumn(Name)
{
    public override int Rows => Values.Length;

    public override Node MakeNode() => new PrimitiveNode(Name, Repetition.Optional, LogicalType.String(), PhysicalType.ByteArray);

    public override void Write(ColumnWriter writer, int start, int count)
    {
        using var logical = writer.LogicalWriter<string?>();
        logical.WriteBatch(Values, start, count);
    }
}

/// <summary>A LIST of INT32 with configurable names, so wrong layouts can be written too. A null row array is a null list; int.MinValue is a null element.</summary>
internal sealed record ListColumn(string Name, int[]?[] Values, string ListName = "list", string ElementName = "element")
    : TestColumn(Name)
{
    public override int Rows => Values.Length;

    public override Node MakeNode() => new GroupNode(
        Name,
        Repetition.Optional,
        [new GroupNode(ListName, Repetition.Repeated, [new PrimitiveNode(ElementName, Repetition.Optional, LogicalType.None(), PhysicalType.Int32)], null)],
        LogicalType.List());

    public override void Write(ColumnWriter writer, int start, int count)
    {
        var defs = new List<short>();
        var reps = new List<short>();
        var values = new List<int>();
        for (int r = start; r < start + count; r++)
        {
            var row = Values[r];
            if (row is null || row.Length == 0)
            {
                defs.Add(row is null ? (short)0 : (short)1);
                reps.Add(0);
                continue;
            }

            for (int k = 0; k < row.Length; k++)
            {
                bool isNull = row[k] == int.MinValue;
                defs.Add(isNull ? (short)2 : (short)3);
                reps.Add(k == 0 ? (short)0 : (short)1);
                if (!isNull)
                {
                    values.Add(row[k]);
                }
            }
        }

        ((ColumnWriter<int>)writer).WriteBatch(defs.Count, defs.ToArray(), reps.ToArray(), values.ToArray());
    }
}

internal static class TestParquet
{
    /// <summary>Writes the columns, splitting rows into row groups of <paramref name="rowGroupRows"/>.</summary>
    public static void Write(string path, IReadOnlyList<TestColumn> columns, Compression codec = Compression.Snappy, int rowGroupRows = int.MaxValue)
    {
        int rows = columns.Count == 0 ? 0 : columns[0].Rows;
        using var schema = new GroupNode("schema", Repetition.Required, columns.Select(c => c.MakeNode()).ToArray(), null);
        using var builder = new WriterPropertiesBuilder();
        using var properties = builder.Compression(codec).Build();
        using var writer = new ParquetFileWriter(path, schema, properties);
        for (int start = 0; start < rows || start == 0; start += rowGroupRows)
        {
            int count = Math.Min(rowGroupRows, rows - start);
            using var rowGroup = writer.AppendRowGroup();
            foreach (var column in columns)
            {
                using var columnWriter = rowGroup.NextColumn();
                column.Write(columnWriter, start, count);
            }

            rowGroup.Close();
            if (rows == 0)
            {
                break;
            }
        }

        writer.Close();
    }
}
