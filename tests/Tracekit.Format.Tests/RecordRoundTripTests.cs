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
    public void TryEncode_SteadyState_AllocatesNothing()
    {
        var destination = new byte[RecordEncoder.DefaultBufferSizeInBytes];
        var sample = (ProcessSample)Samples.All.First(record => record is ProcessSample);
        var start = (InvocationStart)Samples.All.First(record => record is InvocationStart);
        var metric = (DotnetMetric)Samples.All.First(record => record is DotnetMetric);

        long allocated = MinAllocatedBytesPerRound(() => EncodeThree(destination, sample, start, metric));

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void TryDecode_ProcessSampleSteadyState_AllocatesNothing()
    {
        byte[] payload = Codec.Encode(Samples.All.First(record => record is ProcessSample));
        ulong sum = 0;

        long allocated = MinAllocatedBytesPerRound(() =>
        {
            Assert.True(RecordDecoder.TryReadHeader(payload, out _, out _, out _));
            Assert.True(RecordDecoder.TryDecode(payload, out ProcessSample decoded, out _));
            sum += decoded.CpuTimeNs;
        });

        Assert.Equal(0, allocated);
        Assert.Equal(5 * 1000 * 5_000_000_000UL, sum);
    }

    /// <summary>
    /// The fewest bytes the current thread allocated over 1000 calls, in 5 rounds. The runtime occasionally
    /// does one-off work on the calling thread (tiering, call counting); an allocation per call shows in every round.
    /// </summary>
    private static long MinAllocatedBytesPerRound(Action call)
    {
        long min = long.MaxValue;
        for (int round = 0; round < 5; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++)
            {
                call();
            }
            min = Math.Min(min, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return min;
    }

    private static void EncodeThree(byte[] destination, in ProcessSample sample, in InvocationStart start, in DotnetMetric metric)
    {
        Assert.True(RecordEncoder.TryEncode(sample, destination, out _));
        Assert.True(RecordEncoder.TryEncode(start, destination, out _));
        Assert.True(RecordEncoder.TryEncode(metric, destination, out _));
    }
}
