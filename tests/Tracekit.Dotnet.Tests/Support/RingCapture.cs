using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Dotnet.Tests.Support;

/// <summary>A real ring in a temporary folder, written through RingRecordSink and decoded back after the run.</summary>
internal sealed class RingCapture : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tracekit-dotnet-tests-" + Guid.NewGuid().ToString("N"));

    public RingCapture()
    {
        Writer = RingWriter.Create(new RingOptions
        {
            DirectoryPath = _directory,
            SegmentCapacityInBytes = 64L << 20,
            RunId = "test",
            NodeId = "node",
            Stage = "cloud",
        });
        Sink = new RingRecordSink(Writer);
    }

    public RingWriter Writer { get; }
    public RingRecordSink Sink { get; }

    /// <summary>Closes the writer and decodes every record; a record that does not decode fails the test.</summary>
    public List<object> ReadAll()
    {
        Writer.Dispose();
        var records = new List<object>();
        using var reader = RingReader.Open(_directory);
        while (reader.TryRead(out var payload) == RingReadStatus.Record)
        {
            Assert.True(RecordDecoder.TryDecodeAny(payload, out var record, out var error), $"undecodable record: {error}");
            records.Add(record!);
        }
        Assert.Empty(reader.Damage);
        return records;
    }

    public void Dispose()
    {
        Writer.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
