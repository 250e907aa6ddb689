using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Tracekit.Convert.Output;

/// <summary>
/// One JSON Lines file: one object per line, built in a byte buffer that is written to disk whenever a row ends
/// with at least <see cref="DrainThresholdInBytes"/> buffered (only at row ends: a row is always contiguous, which
/// lets <see cref="JsonRow"/> patch its first byte). Rows are written with <see cref="Row"/> (the fast path: every
/// CCTF row) or, for code that wants the full <see cref="Utf8JsonWriter"/>, with <see cref="BeginRow"/> and
/// <see cref="EndRow"/>; both go into the same buffer. The file is written as <c>&lt;name&gt;.partial</c> and renamed
/// on <see cref="Commit"/>, so a failed conversion never leaves a file that looks complete.
/// </summary>
public sealed class JsonlFile : IBufferWriter<byte>, IDisposable
{
    /// <summary>
    /// A write(2) per 64 KiB costs little next to the kernel's copy of those bytes, and the buffers of the three files
    /// a process sample writes stay in the CPU's L2 cache (256 KiB buffers measured no faster).
    /// </summary>
    public const int DrainThresholdInBytes = 64 * 1024;
    public const string PartialSuffix = ".partial";

    /// <summary>Room beyond the threshold so that a usual row never makes the buffer grow.</summary>
    private const int SlackInBytes = 16 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Rows are built by this assembly's own code from fixed property lists, and tests parse every file;
        // validation would cost time per row and catch nothing those tests do not.
        SkipValidation = true,
        Indented = false,
        Encoder = JsonText.Encoder,
    };

    private readonly FileStream _stream;
    private byte[] _buffer = new byte[DrainThresholdInBytes + SlackInBytes];
    private int _length;
    private int _rowStart;
    private Utf8JsonWriter? _json;
    private Utf8JsonWriter? _valueWriter;
    private bool _closed;
    private bool _committed;

    public JsonlFile(string path)
    {
        FinalPath = path;
        PartialPath = path + PartialSuffix;
        _stream = new FileStream(PartialPath, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
    }

    public string FinalPath { get; }

    public string PartialPath { get; }

    public long Rows { get; private set; }

    /// <summary>Starts a row on the fast path; write its properties, then call <see cref="JsonRow.End"/>.</summary>
    public JsonRow Row()
    {
        if (_length >= DrainThresholdInBytes)
        {
            Drain();
        }

        _rowStart = _length;
        return new JsonRow(this);
    }

    /// <summary>Starts a row written with <see cref="Utf8JsonWriter"/>; write its properties, then call <see cref="EndRow"/>.</summary>
    public Utf8JsonWriter BeginRow()
    {
        if (_length >= DrainThresholdInBytes)
        {
            Drain();
        }

        _json ??= new Utf8JsonWriter(this, WriterOptions);
        _json.WriteStartObject();
        return _json;
    }

    public void EndRow()
    {
        var json = _json ?? throw new InvalidOperationException("EndRow without BeginRow.");
        json.WriteEndObject();
        json.Flush();
        Reserve(1)[0] = (byte)'\n';
        _length++;

        // Reset so the next object is a new top-level value, not a sibling that would need a comma.
        json.Reset();
        Rows++;
    }

    /// <summary>Writes out what is buffered and closes the file handle; the file keeps its partial name.</summary>
    public void Close()
    {
        if (!_closed)
        {
            Drain();
            _stream.Dispose();
            _closed = true;
        }
    }

    /// <summary>Closes the file and gives it its final name.</summary>
    public void Commit()
    {
        Close();
        File.Move(PartialPath, FinalPath, overwrite: true);
        _committed = true;
    }

    public void Dispose()
    {
        _json?.Dispose();
        _valueWriter?.Dispose();
        if (!_committed)
        {
            _stream.Dispose();
            File.Delete(PartialPath);
        }

        _closed = true;
    }

    void IBufferWriter<byte>.Advance(int count) => _length += count;

    Memory<byte> IBufferWriter<byte>.GetMemory(int sizeHint)
    {
        Reserve(Math.Max(sizeHint, 1));
        return _buffer.AsMemory(_length);
    }

    Span<byte> IBufferWriter<byte>.GetSpan(int sizeHint) => Reserve(Math.Max(sizeHint, 1));

    /// <summary>The free space from the write position on, at least <paramref name="sizeInBytes"/> long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Span<byte> Reserve(int sizeInBytes)
    {
        if (_buffer.Length - _length < sizeInBytes)
        {
            Grow(sizeInBytes);
        }

        return _buffer.AsSpan(_length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Advance(int sizeInBytes) => _length += sizeInBytes;

    /// <summary>
    /// Starts a row that the caller assembles itself from whole-property fragments (<c>,"name":value</c>, see
    /// <see cref="JsonFragment.Copy"/>) in the returned span, then ends with <see cref="EndRawRow"/>: one reservation
    /// per row instead of one per property, for the rows written per process sample.
    /// </summary>
    internal Span<byte> BeginRawRow(int maxLengthInBytes)
    {
        if (_length >= DrainThresholdInBytes)
        {
            Drain();
        }

        _rowStart = _length;
        return Reserve(maxLengthInBytes + 2)[..maxLengthInBytes]; // + "}\n"
    }

    /// <summary>Ends a row begun with <see cref="BeginRawRow"/> whose fragments took <paramref name="lengthInBytes"/> (at least one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void EndRawRow(int lengthInBytes)
    {
        Debug.Assert(lengthInBytes > 0, "a raw row has at least one property");
        byte[] buffer = _buffer;
        int end = _length + lengthInBytes;
        buffer[_rowStart] = (byte)'{'; // was the first property's comma
        buffer[end] = (byte)'}';
        buffer[end + 1] = (byte)'\n';
        _length = end + 2;
        Rows++;
    }

    internal void EndFastRow()
    {
        Span<byte> end = Reserve(2);
        end[0] = (byte)'}';
        end[1] = (byte)'\n';
        if (_length == _rowStart)
        {
            // A row without properties: "{}".
            end[0] = (byte)'{';
            end[1] = (byte)'}';
            _length += 2;
            Reserve(1)[0] = (byte)'\n';
            _length++;
        }
        else
        {
            _buffer[_rowStart] = (byte)'{'; // was the first property's comma
            _length += 2;
        }

        Rows++;
    }

    /// <summary>A string value with escapes, written by System.Text.Json (the rare slow path of <see cref="JsonRow"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal void WriteEscapedString(string value)
    {
        var json = _valueWriter ??= new Utf8JsonWriter(this, WriterOptions);
        json.WriteStringValue(value);
        json.Flush();

        // Reset: the next value is a new top-level value, not an array element that would need a comma.
        json.Reset();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int sizeInBytes)
    {
        // Only a row larger than the slack (a long command line, a huge string) gets here; the row stays contiguous.
        int needed = checked(_length + sizeInBytes);
        Array.Resize(ref _buffer, Math.Max(needed, checked(_buffer.Length * 2)));
    }

    private void Drain()
    {
        _stream.Write(_buffer, 0, _length);
        _length = 0;
        _rowStart = 0;
    }
}
