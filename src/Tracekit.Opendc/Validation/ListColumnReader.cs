using ParquetSharp;

namespace Tracekit.Opendc.Validation;

/// <summary>
/// Reads a LIST&lt;INT32&gt; column of one row group row by row from its definition/repetition levels
/// (repetition level 0 starts a row; definition level = max means a value, at least the entry level means a null
/// element, below it an empty or null list, both of which OpenDC reads as "no dependencies").
/// </summary>
internal static class ListColumnReader
{
    private const int BatchLevels = 4096;

    /// <param name="onRow">Called per row with its elements and whether it held a null element.</param>
    public static long ReadRows(RowGroupReader rowGroup, ColumnBinding binding, Action<long, List<int>, bool> onRow)
    {
        using var reader = (ColumnReader<int>)rowGroup.Column(binding.LeafIndex);
        var definitionLevels = new short[BatchLevels];
        var repetitionLevels = new short[BatchLevels];
        var values = new int[BatchLevels];
        var elements = new List<int>();
        bool nullElement = false;
        long row = -1;
        while (reader.HasNext)
        {
            int levels = checked((int)reader.ReadBatch(BatchLevels, definitionLevels, repetitionLevels, values, out _));
            int next = 0;
            for (int i = 0; i < levels; i++)
            {
                if (repetitionLevels[i] == 0)
                {
                    if (row >= 0)
                    {
                        onRow(row, elements, nullElement);
                    }

                    row++;
                    elements.Clear();
                    nullElement = false;
                }

                short definition = definitionLevels[i];
                if (definition == binding.MaxDefinitionLevel)
                {
                    elements.Add(values[next++]);
                }
                else if (definition >= binding.EntryDefinitionLevel)
                {
                    nullElement = true;
                }
            }
        }

        if (row >= 0)
        {
            onRow(row, elements, nullElement);
        }

        return row + 1;
    }
}
