using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Contracts.Tests;

/// <summary>The ring sink: records written from any thread come back from the ring unchanged, or are counted as dropped.</summary>
public sealed class RecordSinkTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tk-sink-" + Guid.NewGuid().ToString("N"));

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

    [Fact]
    public void Write_EveryKind_ReadBackUnchanged()
    {
        var metric = new DotnetMetric { TimestampNs = 1, Pid = 7, Meter = "System.Runtime", Instrument = "gc-heap-size", Value = 1.5, Unit = "By" };
        var gc = new DotnetEvent { TimestampNs = 2, Pid = 7, EventType = DotnetEventType.GcStop, Sequence = 3, DurationNs = 500, Detail = "gen0" };
        var start = new InvocationStart { TimestampNs = 3, TraceId = "t", SpanId = "s", EnqueueNs = 2, Method = "GET", Path = "/a", Pid = 7 };
        var end = new InvocationEnd { TimestampNs = 4, TraceId = "t", SpanId = "s", Status = 200, BytesOut = 10 };

        using (var ring = NewRing())
        {
            var sink = new RecordSink(ring);
            sink.Write(metric);
            sink.Write(gc);
            sink.Write(start);
            sink.Write(end);
            Assert.Equal(4, sink.RecordsWritten);
            Assert.Equal(0, sink.RecordsDropped);
        }

        var payloads = ReadAll();
        Assert.Equal(4, payloads.Count);
        Assert.True(RecordDecoder.TryDecode(payloads[0], out DotnetMetric m, out _));
        Assert.True(RecordDecoder.TryDecode(payloads[1], out DotnetEvent e, out _));
        Assert.True(RecordDecoder.TryDecode(payloads[2], out InvocationStart s, out _));
        Assert.True(RecordDecoder.TryDecode(payloads[3], out InvocationEnd n, out _));
        Assert.Equal(metric, m);
        Assert.Equal(gc, e);
        Assert.Equal(start, s);
        Assert.Equal(end, n);
    }

    [Fact]
    public void Write_StringsBeyondTheThreadBuffer_EncodedFromARentedBuffer()
    {
        string path = "/" + new string('p', 20_000);
        using (var ring = NewRing(segmentCapacityInBytes: 1 << 20))
        {
            var sink = new RecordSink(ring);
            sink.Write(new InvocationStart { TimestampNs = 1, TraceId = "t", SpanId = "s", Path = path });
            Assert.Equal(1, sink.RecordsWritten);
        }

        Assert.True(RecordDecoder.TryDecode(Assert.Single(ReadAll()), out InvocationStart read, out _));
        Assert.Equal(path, read.Path);
    }

    [Fact]
    public void Write_ProcessStartWithCommandLineBeyondTheThreadBuffer_WrittenWhole()
    {
        // A collector-side record: a command line of 30,000 characters (a long argument list) is kept, not dropped.
        var start = new ProcessStart { TimestampNs = 5, Pid = 42, StartTicks = 7, Ppid = 1, Command = "java", CommandLine = "java " + new string('a', 30_000) };
        using (var ring = NewRing(segmentCapacityInBytes: 1 << 20))
        {
            var sink = new RecordSink(ring);
            sink.Write(start);
            Assert.Equal((1, 0), (sink.RecordsWritten, sink.RecordsDropped));
        }

        Assert.True(RecordDecoder.TryDecode(Assert.Single(ReadAll()), out ProcessStart read, out _));
        Assert.Equal(start, read);
    }

    [Fact]
    public void Write_RecordLargerThanTheRingTakes_CountedAsDropped()
    {
        using var ring = NewRing();
        var sink = new RecordSink(ring);

        sink.Write(new DotnetEvent { TimestampNs = 1, Pid = 1, EventType = DotnetEventType.GcStart, Detail = new string('d', 200_000) });

        Assert.Equal(0, sink.RecordsWritten);
        Assert.Equal(1, sink.RecordsDropped);
    }

    [Fact]
    public void Write_FromManyThreads_EveryRecordOnce()
    {
        const int Threads = 4;
        const int PerThread = 500;
        using (var ring = NewRing(segmentCapacityInBytes: 1 << 20))
        {
            var sink = new RecordSink(ring);
            Parallel.For(0, Threads, t =>
            {
                for (int i = 0; i < PerThread; i++)
                {
                    sink.Write(new InvocationEnd { TimestampNs = (ulong)i, TraceId = $"{t}-{i}", SpanId = "s", Status = 200 });
                }
            });
            Assert.Equal(Threads * PerThread, sink.RecordsWritten);
        }

        var ids = ReadAll().Select(p => RecordDecoder.TryDecode(p, out InvocationEnd e, out _) ? e.TraceId : "damaged").ToList();
        Assert.Equal(Threads * PerThread, ids.Distinct().Count());
        Assert.DoesNotContain("damaged", ids);
    }

    private RingWriter NewRing(long segmentCapacityInBytes = 64 * 1024) => RingWriter.Create(new RingOptions
    {
        DirectoryPath = _directory,
        SegmentCapacityInBytes = segmentCapacityInBytes,
        RunId = "R",
        NodeId = "n",
        Stage = "test",
    });

    private List<byte[]> ReadAll()
    {
        var payloads = new List<byte[]>();
        using var reader = RingReader.Open(_directory);
        while (reader.TryRead(out ReadOnlySpan<byte> payload) == RingReadStatus.Record)
        {
            payloads.Add(payload.ToArray());
        }

        Assert.Empty(reader.Damage);
        return payloads;
    }
}
