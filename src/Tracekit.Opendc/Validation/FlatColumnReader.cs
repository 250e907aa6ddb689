using ParquetSharp;

namespace Tracekit.Opendc.Validation;

/// <summary>
/// Reads a non-nested column of one row group in row batches, expanding nulls so that row i of every column in a
/// batch lines up (ParquetSharp returns only the non-null values densely).
/// </summary>
internal sealed class FlatColumnReader<T> : IDisposable
    where T : unmanaged
{
    private readonly ColumnReader<T> _reader;
    private readonly short _maxDefinitionLevel;
    private readonly short[] _definitionLevels;
    private readonly T[] _dense;

    public FlatColumnReader(RowGroupReader rowGroup, ColumnBinding binding, int batchRows)
    {
        _reader = (ColumnReader<T>)rowGroup.Column(binding.LeafIndex);
        _maxDefinitionLevel = binding.MaxDefinitionLevel;
        _definitionLevels = _maxDefinitionLevel > 0 ? new short[batchRows] : [];
        _dense = _maxDefinitionLevel > 0 ? new T[batchRows] : [];
    }

    /// <summary>Reads up to <paramref name="rows"/> rows; returns how many were read (fewer only at the end of the chunk).</summary>
    public int Read(int rows, Span<T> values, Span<bool> present)
    {
        int filled = 0;
        while (filled < rows && _reader.HasNext)
        {
            int want = rows - filled;
            if (_maxDefinitionLevel == 0)
            {
                int got = checked((int)_reader.ReadBatch(want, values.Slice(filled, want), out _));
                present.Slice(filled, got).Fill(true);
                filled += got;
                continue;
            }

            int levels = checked((int)_reader.ReadBatch(
                want, _definitionLevels.AsSpan(0, want), Span<short>.Empty, _dense.AsSpan(0, want), out _));
            int next = 0;
            for (int i = 0; i < levels; i++)
            {
                bool has = _definitionLevels[i] == _maxDefinitionLevel;
                present[filled + i] = has;
                values[filled + i] = has ? _dense[next++] : default;
            }

            filled += levels;
        }

        return filled;
    }

    public void Dispose() => _reader.Dispose();
}
