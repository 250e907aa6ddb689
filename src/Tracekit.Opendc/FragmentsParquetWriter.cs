using ParquetSharp;

namespace Tracekit.Opendc;

/// <summary>
/// Streams fragments into fragments.parquet (id INT32, duration INT64, cpu_usage DOUBLE, all REQUIRED, SNAPPY).
/// Rows are buffered into fixed-size column arrays and flushed as one row group when full, so memory stays at
/// about 20 bytes x <see cref="RowGroupRows"/> however many fragments are written. Append does not allocate.
/// Dispose writes the last row group and the footer; a writer abandoned by an exception leaves an unreadable file.
/// </summary>
public sealed class FragmentsParquetWriter : IDisposable, IFragmentSink
{
    /// <summary>1 Mi rows: ~20 MiB of buffers, few enough row groups for readers to parallelise well.</summary>
    public const int DefaultRowGroupRows = 1 << 20;

    private readonly ParquetFileWriter _writer;
    private readonly int[] _ids;
    private readonly long[] _durationsMs;
    private readonly double[] _usagesMhz;
    private int _buffered;
    private bool _closed;

    public FragmentsParquetWriter(string path, int rowGroupRows = DefaultRowGroupRows)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupRows, 1);
        RowGroupRows = rowGroupRows;
        _ids = new int[rowGroupRows];
        _durationsMs = new long[rowGroupRows];
        _usagesMhz = new double[rowGroupRows];
        using var schema = OpendcSchemas.Fragments();
        using var properties = ParquetWriterSettings.Create();
        _writer = new ParquetFileWriter(path, schema, properties);
    }

    public int RowGroupRows { get; }

    /// <summary>Fragments appended so far (written or buffered).</summary>
    public long Count { get; private set; }

    public void Append(in OpendcFragment fragment) =>
        Append(fragment.TaskId, fragment.DurationMs, fragment.CpuUsageMhz);

    /// <summary>Appends one fragment; throws for values OpenDC would reject or misread.</summary>
    public void Append(int taskId, long durationMs, double cpuUsageMhz)
    {
        // One combined test keeps the common path to a single branch; the slow path names the bad value.
        if (durationMs <= 0 || !(cpuUsageMhz >= 0) || double.IsPositiveInfinity(cpuUsageMhz))
        {
            ThrowInvalid(taskId, durationMs, cpuUsageMhz);
        }

        ObjectDisposedException.ThrowIf(_closed, this);
        int i = _buffered;
        _ids[i] = taskId;
        _durationsMs[i] = durationMs;
        _usagesMhz[i] = cpuUsageMhz;
        _buffered = i + 1;
        Count++;
        if (_buffered == _ids.Length)
        {
            FlushRowGroup();
        }
    }

    public void Dispose()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        try
        {
            FlushRowGroup();
            _writer.Close();
        }
        finally
        {
            _writer.Dispose();
        }
    }

    private void FlushRowGroup()
    {
        if (_buffered == 0)
        {
            return;
        }

        using (var rowGroup = _writer.AppendRowGroup())
        {
            using (var ids = (ColumnWriter<int>)rowGroup.NextColumn())
            {
                ids.WriteBatch(_ids.AsSpan(0, _buffered));
            }

            using (var durations = (ColumnWriter<long>)rowGroup.NextColumn())
            {
                durations.WriteBatch(_durationsMs.AsSpan(0, _buffered));
            }

            using (var usages = (ColumnWriter<double>)rowGroup.NextColumn())
            {
                usages.WriteBatch(_usagesMhz.AsSpan(0, _buffered));
            }

            rowGroup.Close();
        }

        _buffered = 0;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void ThrowInvalid(int taskId, long durationMs, double cpuUsageMhz)
    {
        if (durationMs <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(durationMs), durationMs, $"fragment of task {taskId}: duration must be > 0 ms");
        }

        throw new ArgumentOutOfRangeException(
            nameof(cpuUsageMhz), cpuUsageMhz, $"fragment of task {taskId}: cpu_usage must be finite and >= 0 MHz");
    }
}
