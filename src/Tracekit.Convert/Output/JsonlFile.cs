using System.Buffers;
using System.Text.Json;

namespace Tracekit.Convert.Output;

/// <summary>
/// One JSON Lines file: one object per line, written with <see cref="Utf8JsonWriter"/> (it does all escaping) into
/// a buffer drained to disk every <see cref="DrainThresholdInBytes"/>. The file is written as
/// <c>&lt;name&gt;.partial</c> and renamed on <see cref="Commit"/>, so a failed conversion never leaves a file that
/// looks complete.
/// </summary>
public sealed class JsonlFile : IDisposable
{
    public const int DrainThresholdInBytes = 64 * 1024;
    public const string PartialSuffix = ".partial";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Rows are built by this assembly's own code from fixed property lists, and tests parse every file;
        // validation would cost time per row and catch nothing those tests do not.
        SkipValidation = true,
        Indented = false,
        Encoder = JsonText.Encoder,
    };

    private readonly FileStream _stream;
    private readonly ArrayBufferWriter<byte> _buffer = new(DrainThresholdInBytes + 4096);
    private readonly Utf8JsonWriter _json;
    private bool _closed;
    private bool _committed;

    public JsonlFile(string path)
    {
        FinalPath = path;
        PartialPath = path + PartialSuffix;
        _stream = new FileStream(PartialPath, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        _json = new Utf8JsonWriter(_buffer, WriterOptions);
    }

    public string FinalPath { get; }

    public string PartialPath { get; }

    public long Rows { get; private set; }

    /// <summary>Starts a row; write its properties, then call <see cref="EndRow"/>.</summary>
    public Utf8JsonWriter BeginRow()
    {
        _json.WriteStartObject();
        return _json;
    }

    public void EndRow()
    {
        _json.WriteEndObject();
        _json.Flush();
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);

        // Reset so the next object is a new top-level value, not a sibling that would need a comma.
        _json.Reset();
        Rows++;
        if (_buffer.WrittenCount >= DrainThresholdInBytes)
        {
            Drain();
        }
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
        _json.Dispose();
        if (!_committed)
        {
            _stream.Dispose();
            File.Delete(PartialPath);
        }

        _closed = true;
    }

    private void Drain()
    {
        _stream.Write(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
    }
}
