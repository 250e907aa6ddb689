using ParquetSharp;

namespace Tracekit.Opendc.Validation;

/// <summary>
/// One batch of one column, aligned by row with the other columns of the batch. An unbound column (absent or of
/// the wrong type, already reported by <see cref="SchemaChecker"/>) reads as all-null so checks simply skip it.
/// </summary>
internal sealed class ColumnBatch<T> : IColumnBatch
    where T : unmanaged
{
    private readonly FlatColumnReader<T>? _reader;

    public ColumnBatch(RowGroupReader rowGroup, Dictionary<string, ColumnBinding> bindings, string column, int batchRows)
    {
        Column = column;
        Values = new T[batchRows];
        Present = new bool[batchRows];
        if (bindings.TryGetValue(column, out var binding))
        {
            _reader = new FlatColumnReader<T>(rowGroup, binding, batchRows);
        }
    }

    public string Column { get; }

    public bool IsBound => _reader is not null;

    public T[] Values { get; }

    public bool[] Present { get; }

    /// <summary>Reads the next rows; an unbound column claims all of them.</summary>
    public int Read(int rows) => _reader?.Read(rows, Values, Present) ?? rows;

    public bool IsPresent(int index) => Present[index];

    public void Dispose() => _reader?.Dispose();
}

/// <summary>Type-independent view of a batch column, for checks that only need presence.</summary>
internal interface IColumnBatch : IDisposable
{
    string Column { get; }

    bool IsBound { get; }

    bool IsPresent(int index);
}

/// <summary>Reads several columns of a row group in lockstep and reports a column that ends early.</summary>
internal static class Lockstep
{
    public const int BatchRows = 8192;

    /// <summary>Returns the rows all columns delivered; reports damage when one delivered fewer than asked.</summary>
    public static int Read(int want, string file, long firstRow, FindingSink sink, params ReadOnlySpan<Func<int, int>> readers)
    {
        int got = want;
        foreach (var read in readers)
        {
            got = Math.Min(got, read(want));
        }

        if (got < want)
        {
            sink.Error(file, null, firstRow + got, "damaged", "a column ends before the row group's row count (damaged file); rest of the row group skipped");
        }

        return got;
    }
}
