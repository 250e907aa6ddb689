using System.Buffers;
using MessagePack;

namespace Tracekit.Format.Tests;

/// <summary>The acceptance rules of docs/ring-format.md section 4.</summary>
public sealed class DecoderRulesTests
{
    private static readonly ProcessSample Sample = (ProcessSample)Samples.All.First(record => record is ProcessSample);

    [Fact]
    public void TryDecode_ArrayShorterThanKind_FailsAtOffsetZero()
    {
        byte[] payload = Build((ref w) =>
        {
            w.WriteArrayHeader(ProcessSample.ElementCount - 1);
            w.Write(4); w.Write(1UL); w.Write(1); w.Write(2UL); w.Write(3UL); w.Write(0); w.Write(5UL);
        });

        Assert.False(RecordDecoder.TryDecode(payload, out ProcessSample record, out DecodeError error));
        Assert.Equal(new DecodeError(0, DecodeMessages.ArrayTooShort), error);
        Assert.Equal(default, record);
    }

    [Fact]
    public void TryDecode_StringWhereIntegerExpected_FailsAtThatField()
    {
        byte[] payload = Build((ref w) =>
        {
            w.WriteArrayHeader(ProcessSample.ElementCount);
            w.Write(4); w.Write(1UL); w.Write("4242"); w.Write(2UL); w.Write(3UL); w.Write(0); w.Write(5UL); w.Write(6);
        });

        Assert.False(RecordDecoder.TryDecode(payload, out ProcessSample _, out DecodeError error));
        Assert.Equal(new DecodeError(3, DecodeMessages.ExpectedInteger), error);
    }

    [Fact]
    public void TryDecode_IntegerWhereStringExpected_Fails()
    {
        byte[] payload = Build((ref w) =>
        {
            w.WriteArrayHeader(Link.ElementCount);
            w.Write(13); w.Write(1UL); w.Write(7); w.WriteNil(); w.WriteNil(); w.WriteNil();
        });

        Assert.False(RecordDecoder.TryDecode(payload, out Link _, out DecodeError error));
        Assert.Equal(new DecodeError(3, DecodeMessages.ExpectedString), error);
    }

    [Fact]
    public void TryDecode_NilInRequiredField_Fails()
    {
        byte[] payload = Build((ref w) =>
        {
            w.WriteArrayHeader(Link.ElementCount);
            w.Write(13); w.Write(1UL); w.WriteNil(); w.WriteNil(); w.WriteNil(); w.WriteNil();
        });

        Assert.False(RecordDecoder.TryDecode(payload, out Link _, out DecodeError error));
        Assert.Equal(new DecodeError(3, DecodeMessages.ExpectedString), error);
    }

    [Fact]
    public void TryDecode_IntegerWhereFloatExpected_Fails()
    {
        var metric = new DotnetMetric { TimestampNs = 1, Pid = 2, Meter = "m", Instrument = "i", Value = 3, Unit = null };
        byte[] payload = Build((ref w) =>
        {
            w.WriteArrayHeader(DotnetMetric.ElementCount);
            w.Write(10); w.Write(1UL); w.Write(2); w.Write("m"); w.Write("i"); w.Write(3); w.WriteNil();
        });

        Assert.False(RecordDecoder.TryDecode(payload, out DotnetMetric _, out DecodeError error));
        Assert.Equal(new DecodeError(8, DecodeMessages.ExpectedFloat), error);
        Assert.Equal(metric, Codec.DecodeOrFail(Codec.Encode(metric)));
    }

    [Fact]
    public void TryDecode_Float32Value_IsWidened()
    {
        byte[] payload = Build((ref w) =>
        {
            w.WriteArrayHeader(DotnetMetric.ElementCount);
            w.Write(10); w.Write(1UL); w.Write(2); w.Write("m"); w.Write("i"); w.Write(0.5f); w.WriteNil();
        });

        Assert.True(RecordDecoder.TryDecode(payload, out DotnetMetric metric, out _));
        Assert.Equal(0.5, metric.Value);
    }

    [Fact]
    public void TryDecode_EveryIntegerInWidestEncoding_IsAccepted()
    {
        byte[] payload = Build((ref w) =>
        {
            w.WriteArrayHeader(ProcessSample.ElementCount);
            w.WriteInt64(4); w.WriteUInt64(Sample.TimestampNs); w.WriteInt64(Sample.Pid); w.WriteInt32(123_456);
            w.WriteUInt64(Sample.CpuTimeNs); w.WriteInt16(1); w.WriteUInt16(200); w.WriteInt8(12);
        });

        Assert.True(RecordDecoder.TryDecode(payload, out ProcessSample decoded, out DecodeError error), error.ToString());
        Assert.Equal(Sample, decoded);
    }

    [Fact]
    public void TryDecode_TrailingBytesAfterArray_FailsAtEndOfArray()
    {
        byte[] record = Codec.Encode(Sample);
        byte[] payload = [.. record, 0xc0];

        Assert.False(RecordDecoder.TryDecode(payload, out ProcessSample _, out DecodeError error));
        Assert.Equal(new DecodeError(record.Length, DecodeMessages.TrailingBytes), error);
        Assert.False(RecordDecoder.TryDecodeAny(payload, out _, out DecodeError anyError));
        Assert.Equal(record.Length, anyError.Offset);
    }

    [Fact]
    public void TryDecode_PayloadOfAnotherKind_FailsWithKindMismatchAtOffsetOne()
    {
        byte[] payload = Codec.Encode(Samples.All.First(record => record is HostCpu));

        Assert.False(RecordDecoder.TryDecode(payload, out ProcessSample _, out DecodeError error));
        Assert.Equal(new DecodeError(1, DecodeMessages.KindMismatch), error);
    }

    [Theory]
    [InlineData((byte)4, DecodeMessages.UndefinedEnumValue)]
    [InlineData((byte)255, DecodeMessages.UndefinedEnumValue)]
    public void TryDecode_UndefinedCpuSource_Fails(byte cpuSource, string message)
    {
        byte[] payload = Codec.Encode(Sample with { CpuSource = (CpuSource)cpuSource });

        Assert.False(RecordDecoder.TryDecode(payload, out ProcessSample _, out DecodeError error));
        Assert.Equal(new DecodeError(24, message), error); // 98 04 ce+4 cd+2 ce+4 cf+8, then cpuSource
    }

    [Theory]
    [InlineData((byte)0)]
    [InlineData((byte)5)]
    public void TryDecode_UndefinedDotnetEventType_Fails(byte eventType)
    {
        var record = new DotnetEvent { TimestampNs = 1, Pid = 2, EventType = (DotnetEventType)eventType, Sequence = 3 };

        Assert.False(RecordDecoder.TryDecode(Codec.Encode(record), out DotnetEvent _, out DecodeError error));
        Assert.Equal(new DecodeError(4, DecodeMessages.UndefinedEnumValue), error);
    }

    [Fact]
    public void TryDecode_PidAboveInt32_FailsOutOfRange()
    {
        byte[] payload = Build((ref w) =>
        {
            w.WriteArrayHeader(ProcessSample.ElementCount);
            w.Write(4); w.Write(1UL); w.Write((long)int.MaxValue + 1); w.Write(2UL); w.Write(3UL); w.Write(0); w.Write(5UL); w.Write(6);
        });

        Assert.False(RecordDecoder.TryDecode(payload, out ProcessSample _, out DecodeError error));
        Assert.Equal(new DecodeError(3, DecodeMessages.IntegerOutOfRange), error);
    }

    [Fact]
    public void TryReadHeader_UnknownKind_SucceedsAsUnknown()
    {
        byte[] payload = Build((ref w) => { w.WriteArrayHeader(3); w.Write(17); w.Write(99UL); w.Write("new"); });

        Assert.True(RecordDecoder.TryReadHeader(payload, out RecordKind kind, out ulong timestampNs, out _));
        Assert.Equal(RecordKind.Unknown, kind);
        Assert.Equal(99UL, timestampNs);
    }

    [Fact]
    public void TryDecodeAny_WellFormedUnknownKind_ReturnsUnknownRecord()
    {
        byte[] payload = Build((ref w) => { w.WriteArrayHeader(4); w.Write(300); w.Write(99UL); w.Write("new"); w.WriteMapHeader(0); });

        Assert.True(RecordDecoder.TryDecodeAny(payload, out object? record, out _));
        Assert.Equal(new UnknownRecord { Kind = 300, TimestampNs = 99 }, record);
    }

    [Fact]
    public void TryDecodeAny_UnknownKindWithTrailingBytes_Fails()
    {
        byte[] payload = Build((ref w) => { w.WriteArrayHeader(2); w.Write(17); w.Write(99UL); w.Write(1); });

        Assert.False(RecordDecoder.TryDecodeAny(payload, out object? record, out DecodeError error));
        Assert.Null(record);
        Assert.Equal(new DecodeError(3, DecodeMessages.TrailingBytes), error);
    }

    [Theory]
    [InlineData(0L, DecodeMessages.KindNotPositive)]
    [InlineData(-4L, DecodeMessages.KindNotPositive)]
    public void TryReadHeader_KindNotPositive_FailsAtOffsetOne(long kind, string message)
    {
        byte[] payload = Build((ref w) => { w.WriteArrayHeader(2); w.Write(kind); w.Write(1UL); });

        Assert.False(RecordDecoder.TryReadHeader(payload, out _, out _, out DecodeError error));
        Assert.Equal(new DecodeError(1, message), error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("91")]
    [InlineData("c0")]
    [InlineData("9204")]
    [InlineData("9204ff")]
    public void TryReadHeader_NotARecordHeader_Fails(string hex)
    {
        byte[] payload = Convert.FromHexString(hex);

        Assert.False(RecordDecoder.TryReadHeader(payload, out _, out _, out DecodeError error));
        Assert.InRange(error.Offset, 0, payload.Length);
    }

    [Fact]
    public void TryDecode_InvalidUtf8InString_Fails()
    {
        byte[] payload = Codec.Encode(new Link { TimestampNs = 1, Interface = "eth0" });
        payload[4] = 0xff; // inside "eth0", which starts at offset 4 after 96 0d 01 a4

        Assert.False(RecordDecoder.TryDecode(payload, out Link _, out DecodeError error));
        Assert.Equal(new DecodeError(3, DecodeMessages.InvalidUtf8), error);
    }

    [Fact]
    public void TryDecode_InvocationStartOfVersion10_DecodesWithoutSampleRatio()
    {
        byte[] payload = InvocationStartWith(ratioElements: 0, (ref w) => { });

        Assert.True(RecordDecoder.TryDecode(payload, out InvocationStart record, out _));
        Assert.Equal(("t", "s", "/p", (double?)null), (record.TraceId, record.SpanId, record.Path, record.SampleRatio));
    }

    [Fact]
    public void TryDecode_InvocationStartWithRatio_ReadsIt()
    {
        byte[] payload = InvocationStartWith(ratioElements: 1, (ref w) => w.Write(0.01));

        Assert.True(RecordDecoder.TryDecode(payload, out InvocationStart record, out _));
        Assert.Equal(0.01, record.SampleRatio);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void TryDecode_InvocationStartRatioOutsideZeroToOne_IsDamageAtTheField(double ratio)
    {
        byte[] payload = InvocationStartWith(ratioElements: 1, (ref w) => w.Write(ratio));

        Assert.False(RecordDecoder.TryDecode(payload, out InvocationStart _, out DecodeError error));
        Assert.Equal(new DecodeError(payload.Length - 9, DecodeMessages.SampleRatioOutOfRange), error);
    }

    [Fact]
    public void TryDecode_InvocationStartRatioAsInteger_IsDamage()
    {
        byte[] payload = InvocationStartWith(ratioElements: 1, (ref w) => w.Write(1));

        Assert.False(RecordDecoder.TryDecode(payload, out InvocationStart _, out DecodeError error));
        Assert.Equal(new DecodeError(payload.Length - 1, DecodeMessages.ExpectedFloat), error);
    }

    /// <summary>An InvocationStart written field by field by the MessagePack package, 1.0 fields then the ratio's elements.</summary>
    private static byte[] InvocationStartWith(int ratioElements, WriteAction ratio) => Build((ref w) =>
    {
        w.WriteArrayHeader(InvocationStart.MinElementCount + ratioElements);
        w.Write(8); w.Write(1UL); w.Write("t"); w.Write("s");
        for (int i = 0; i < 4; i++) w.WriteNil(); // parentId, moduleId, instanceId, enqueueNs
        w.WriteNil(); w.Write("/p"); // method, path
        for (int i = 0; i < 6; i++) w.WriteNil(); // pid … cgroup
        ratio(ref w);
    });

    private delegate void WriteAction(ref MessagePackWriter writer);

    private static byte[] Build(WriteAction write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
