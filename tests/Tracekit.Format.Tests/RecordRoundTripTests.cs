namespace Tracekit.Format.Tests;

public sealed class RecordRoundTripTests
{
    [Fact]
    public void Samples_EveryKind_IsCovered()
    {
        var covered = Samples.All.Select(Codec.KindOf).ToHashSet();
        Assert.Equal(Enumerable.Range(1, 16).Select(kind => (RecordKind)kind), covered.Order());
    }

    [Theory]
    [MemberData(nameof(Samples.AllAsTheoryData), MemberType = typeof(Samples))]
    public void TryEncode_SampleRecord_RoundTripsThroughOurDecoder(object record)
    {
        byte[] payload = Codec.Encode(record);

        Assert.Equal(record, Codec.DecodeOrFail(payload));
    }

    [Theory]
    [MemberData(nameof(Samples.AllAsTheoryData), MemberType = typeof(Samples))]
    public void TryEncode_SampleRecord_DecodesWithMessagePackReader(object record)
    {
        byte[] payload = Codec.Encode(record);

        Assert.Equal(record, OracleReader.Read(payload));
    }

    [Theory]
    [MemberData(nameof(Samples.AllAsTheoryData), MemberType = typeof(Samples))]
    public void TryDecode_MessagePackWriterOutput_EqualsInput(object record)
    {
        byte[] payload = OracleWriter.Write(record);

        Assert.Equal(record, Codec.DecodeOrFail(payload));
    }

    [Theory]
    [MemberData(nameof(Samples.AllAsTheoryData), MemberType = typeof(Samples))]
    public void TryEncode_SampleRecord_MatchesMessagePackWriterBytes(object record)
    {
        // Both use the smallest encodings, so the bytes are identical: a strong check of "smallest".
        Assert.Equal(Convert.ToHexString(OracleWriter.Write(record)), Convert.ToHexString(Codec.Encode(record)));
    }

    [Theory]
    [MemberData(nameof(Samples.AllAsTheoryData), MemberType = typeof(Samples))]
    public void TryReadHeader_SampleRecord_ReturnsKindAndTimestamp(object record)
    {
        byte[] payload = Codec.Encode(record);

        Assert.True(RecordDecoder.TryReadHeader(payload, out RecordKind kind, out ulong timestampNs, out _));
        Assert.Equal(Codec.KindOf(record), kind);
        Assert.Equal((ulong)record.GetType().GetField("TimestampNs")!.GetValue(record)!, timestampNs);
    }

    [Theory]
    [MemberData(nameof(Samples.AllAsTheoryData), MemberType = typeof(Samples))]
    public void TryEncode_DestinationOneByteShortOrLess_ReturnsFalseWithoutThrowing(object record)
    {
        int size = Codec.Encode(record).Length;
        for (int length = 0; length < size; length++)
        {
            var destination = new byte[length];
            Assert.False(Codec.TryEncode(record, destination, out int written), $"length {length} of {size}");
            Assert.Equal(0, written);
        }
        Assert.True(Codec.TryEncode(record, new byte[size], out int exact));
        Assert.Equal(size, exact);
    }

    [Fact]
    public void TryEncode_NullRequiredString_WritesEmptyString()
    {
        var record = new Placement { TimestampNs = 1, AppId = null!, ModuleId = "m", InstanceId = "i", NodeId = "n", Event = "start", Stage = "s" };

        var decoded = (Placement)Codec.DecodeOrFail(Codec.Encode(record));

        Assert.Equal(string.Empty, decoded.AppId);
        Assert.Equal("m", decoded.ModuleId);
    }

    [Fact]
    public void TryEncode_DefaultBufferAndSampleRecords_Fit()
    {
        var destination = new byte[RecordEncoder.DefaultBufferSizeInBytes];
        foreach (object record in Samples.All)
        {
            Assert.True(Codec.TryEncode(record, destination, out _), record.GetType().Name);
        }
    }

    [Fact]
    public void TryEncode_EveryKindAfterWarmUp_AllocatesNothing()
    {
        var destination = new byte[RecordEncoder.DefaultBufferSizeInBytes];
        var sample = (ProcessSample)Samples.All.First(record => record is ProcessSample);
        var start = (InvocationStart)Samples.All.First(record => record is InvocationStart);
        var metric = (DotnetMetric)Samples.All.First(record => record is DotnetMetric);
        EncodeThree(destination, sample, start, metric);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            EncodeThree(destination, sample, start, metric);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void TryDecode_ProcessSampleAfterWarmUp_AllocatesNothing()
    {
        byte[] payload = Codec.Encode(Samples.All.First(record => record is ProcessSample));
        Assert.True(RecordDecoder.TryDecode(payload, out ProcessSample _, out _));

        long before = GC.GetAllocatedBytesForCurrentThread();
        ulong sum = 0;
        for (int i = 0; i < 1000; i++)
        {
            RecordDecoder.TryDecode(payload, out ProcessSample decoded, out _);
            sum += decoded.CpuTimeNs;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(1000UL * 5_000_000_000, sum);
    }

    private static void EncodeThree(byte[] destination, in ProcessSample sample, in InvocationStart start, in DotnetMetric metric)
    {
        Assert.True(RecordEncoder.TryEncode(sample, destination, out _));
        Assert.True(RecordEncoder.TryEncode(start, destination, out _));
        Assert.True(RecordEncoder.TryEncode(metric, destination, out _));
    }
}
