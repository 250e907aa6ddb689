using Tracekit.Convert.Dotnet;
using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Convert.Tests;

/// <summary>
/// The scratch ring a .NET capture is decoded into: the decoder writes a request's start at its stop, back-dated, and
/// the sink puts records in time order within its reorder horizon (docs/dotnet-tracing.md, "OpenDC").
/// </summary>
public sealed class AnchoringRingSinkTests : IDisposable
{
    private const ulong Second = 1_000_000_000;
    private readonly string _directory = Directory.CreateTempSubdirectory("tracekit-anchoring-sink-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Write_StartBackDatedWithinHorizon_RingInTimeOrderAndNoneLate()
    {
        var (timestamps, late) = WriteAndRead(sink =>
        {
            // B (2 s to 3 s) stops before A (1.5 s to 4 s): A's start comes after B's records.
            sink.Write(Metric(1 * Second));
            sink.Write(new InvocationStart { TimestampNs = 2 * Second, TraceId = "t", SpanId = "b", ParentId = "a" });
            sink.Write(new InvocationEnd { TimestampNs = 3 * Second, TraceId = "t", SpanId = "b" });
            sink.Write(new InvocationStart { TimestampNs = (3 * Second) / 2, TraceId = "t", SpanId = "a" });
            sink.Write(new InvocationEnd { TimestampNs = 4 * Second, TraceId = "t", SpanId = "a" });
        });

        Assert.Equal([1 * Second, (3 * Second) / 2, 2 * Second, 3 * Second, 4 * Second], timestamps);
        Assert.Equal(0, late);
    }

    [Fact]
    public void Write_StartOlderThanHorizonBehindWrittenRecords_WrittenAndCountedLate()
    {
        ulong horizon = (ulong)AnchoringRingSink.ReorderHorizonNs;
        var (timestamps, late) = WriteAndRead(sink =>
        {
            sink.Write(Metric(1 * Second));
            sink.Write(Metric(2 * Second));
            sink.Write(Metric(2 * Second + horizon + 1)); // 1 s and 2 s are written
            sink.Write(new InvocationStart { TimestampNs = (3 * Second) / 2, TraceId = "t", SpanId = "long" });
        });

        Assert.Equal([1 * Second, 2 * Second, (3 * Second) / 2, 2 * Second + horizon + 1], timestamps);
        Assert.Equal(1, late);
    }

    private static DotnetMetric Metric(ulong timestampNs) => new() { TimestampNs = timestampNs, Pid = 1, Meter = "m", Instrument = "i", Value = 1 };

    /// <summary>Writes through the sink into a real ring, then reads the ring back: record timestamps in ring order.</summary>
    private (List<ulong> TimestampsNs, long Late) WriteAndRead(Action<AnchoringRingSink> write)
    {
        long late;
        using (var ring = RingWriter.Create(new RingOptions { DirectoryPath = _directory, SegmentCapacityInBytes = 64 * 1024, RunId = "run", NodeId = "n1", Stage = "cloud" }))
        {
            var sink = new AnchoringRingSink(ring, []);
            write(sink);
            sink.Finish();
            ring.Flush();
            late = sink.RecordsLate;
        }
        var timestamps = new List<ulong>();
        using var reader = RingReader.Open(_directory);
        while (reader.TryRead(out var payload) == RingReadStatus.Record)
        {
            Assert.True(RecordDecoder.TryReadHeader(payload, out _, out ulong timestampNs, out var error), error.Message);
            timestamps.Add(timestampNs);
        }
        return (timestamps, late);
    }
}
