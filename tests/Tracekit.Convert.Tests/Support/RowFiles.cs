using System.Buffers;
using System.Text.Json;
using Tracekit.Convert.Output;

namespace Tracekit.Convert.Tests.Support;

/// <summary>Writes rows into a real <see cref="JsonlFile"/> and reads the bytes back; the oracle is Utf8JsonWriter.</summary>
public sealed class RowFiles : IDisposable
{
    private static readonly JsonWriterOptions OracleOptions = new() { Encoder = JsonText.Encoder, SkipValidation = true };
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tk-rows-" + Guid.NewGuid().ToString("N"));
    private int _files;

    public RowFiles() => Directory.CreateDirectory(_directory);

    /// <summary>The committed file's bytes after <paramref name="write"/> wrote its rows.</summary>
    public byte[] Write(Action<JsonlFile> write)
    {
        string path = Path.Combine(_directory, $"f{_files++}.jsonl");
        using (var file = new JsonlFile(path))
        {
            write(file);
            file.Commit();
        }

        return File.ReadAllBytes(path);
    }

    /// <summary>One row as System.Text.Json's writer writes it (object, then a newline).</summary>
    public static byte[] Oracle(Action<Utf8JsonWriter> properties)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, OracleOptions))
        {
            json.WriteStartObject();
            properties(json);
            json.WriteEndObject();
        }

        return [.. buffer.WrittenSpan, (byte)'\n'];
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not a test failure.
        }
    }
}
