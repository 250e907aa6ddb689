using CsCheck;
using MessagePack;

namespace Tracekit.Format.Tests;

public sealed class SkipTests
{
    public static TheoryData<string> EveryType()
    {
        var values = new OracleBytes.WriteAction[]
        {
            (ref MessagePackWriter w) => w.WriteNil(),
            (ref MessagePackWriter w) => w.Write(true),
            (ref MessagePackWriter w) => w.Write(-7),
            (ref MessagePackWriter w) => w.WriteUInt8(200),
            (ref MessagePackWriter w) => w.WriteInt16(-300),
            (ref MessagePackWriter w) => w.WriteUInt32(70_000),
            (ref MessagePackWriter w) => w.WriteInt64(long.MinValue),
            (ref MessagePackWriter w) => w.Write(1.5f),
            (ref MessagePackWriter w) => w.Write(1.5),
            (ref MessagePackWriter w) => w.Write(new string('x', 31)),
            (ref MessagePackWriter w) => w.Write(new string('x', 200)),
            (ref MessagePackWriter w) => w.Write(new string('x', 300)),
            (ref MessagePackWriter w) => w.Write(new string('x', 70_000)),
            (ref MessagePackWriter w) => w.Write(new byte[10]),
            (ref MessagePackWriter w) => w.Write(new byte[300]),
            (ref MessagePackWriter w) => w.Write(new byte[70_000]),
            (ref MessagePackWriter w) => w.WriteExtensionFormat(new ExtensionResult(1, new byte[1])),
            (ref MessagePackWriter w) => w.WriteExtensionFormat(new ExtensionResult(1, new byte[2])),
            (ref MessagePackWriter w) => w.WriteExtensionFormat(new ExtensionResult(1, new byte[4])),
            (ref MessagePackWriter w) => w.WriteExtensionFormat(new ExtensionResult(1, new byte[8])),
            (ref MessagePackWriter w) => w.WriteExtensionFormat(new ExtensionResult(1, new byte[16])),
            (ref MessagePackWriter w) => w.WriteExtensionFormat(new ExtensionResult(-1, new byte[3])),
            (ref MessagePackWriter w) => w.WriteExtensionFormat(new ExtensionResult(2, new byte[300])),
            (ref MessagePackWriter w) => w.WriteExtensionFormat(new ExtensionResult(3, new byte[70_000])),
            (ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.WriteMapHeader(1); w.Write("k"); w.WriteArrayHeader(0); w.WriteNil(); },
            (ref MessagePackWriter w) => { w.WriteArrayHeader(20); for (int i = 0; i < 20; i++) { w.Write(i * 1000); } },
            (ref MessagePackWriter w) => { w.WriteMapHeader(20); for (int i = 0; i < 20; i++) { w.Write(i); w.Write("v"); } },
        };
        var data = new TheoryData<string>();
        foreach (OracleBytes.WriteAction value in values)
        {
            data.Add(OracleBytes.Hex(value));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryType))]
    public void TrySkip_AnyMessagePackValue_SkipsExactlyThatValue(string hex)
    {
        byte[] value = Convert.FromHexString(hex);
        byte[] buffer = [.. value, 0x2a];
        var reader = new MsgPackReader(buffer);

        Assert.True(reader.TrySkip(), reader.Error.ToString());
        Assert.Equal(value.Length, reader.Position);
        Assert.True(reader.TryReadInt32(out int sentinel));
        Assert.Equal(42, sentinel);
    }

    [Theory]
    [MemberData(nameof(EveryType))]
    public void TrySkip_TruncatedValue_FailsInsideTheBuffer(string hex)
    {
        byte[] value = Convert.FromHexString(hex);
        // Every prefix for short values; for long ones, the cuts near the header and the end are the interesting ones.
        foreach (int length in Enumerable.Range(0, value.Length).Where(length => length < 40 || length > value.Length - 40))
        {
            var reader = new MsgPackReader(value.AsSpan(0, length));
            Assert.False(reader.TrySkip(), $"prefix {length}");
            Assert.InRange(reader.Error.Offset, 0, length);
        }
    }

    [Fact]
    public void TrySkip_MillionNestedArrays_SucceedsWithoutStackOverflow()
    {
        byte[] buffer = [.. Enumerable.Repeat((byte)0x91, 1_000_000), 0x01];
        var reader = new MsgPackReader(buffer);

        Assert.True(reader.TrySkip());
        Assert.True(reader.End);
    }

    [Fact]
    public void TrySkip_MillionNestedArraysWithoutLeaf_FailsAtEnd()
    {
        byte[] buffer = [.. Enumerable.Repeat((byte)0x91, 1_000_000)];
        var reader = new MsgPackReader(buffer);

        Assert.False(reader.TrySkip());
        Assert.Equal(DecodeMessages.LengthPastEnd, reader.Error.Message);
        Assert.InRange(reader.Error.Offset, 0, buffer.Length);
    }

    [Theory]
    [InlineData("DDFFFFFFFF", 0, DecodeMessages.LengthPastEnd)]
    [InlineData("DFFFFFFFFF", 0, DecodeMessages.LengthPastEnd)]
    [InlineData("C6FFFFFFFF", 0, DecodeMessages.LengthPastEnd)]
    [InlineData("C9FFFFFFFF01", 0, DecodeMessages.LengthPastEnd)]
    [InlineData("C1", 0, DecodeMessages.NeverUsedCode)]
    [InlineData("9201C1", 2, DecodeMessages.NeverUsedCode)]
    [InlineData("D9", 0, DecodeMessages.UnexpectedEnd)]
    [InlineData("C7", 0, DecodeMessages.UnexpectedEnd)]
    [InlineData("C705", 0, DecodeMessages.LengthPastEnd)]
    [InlineData("DC00", 0, DecodeMessages.UnexpectedEnd)]
    [InlineData("9301", 0, DecodeMessages.LengthPastEnd)]
    public void TrySkip_MalformedValue_FailsWithOffset(string hex, int offset, string message)
    {
        var reader = new MsgPackReader(Convert.FromHexString(hex));

        Assert.False(reader.TrySkip());
        Assert.Equal(new DecodeError(offset, message), reader.Error);
    }

    [Fact]
    public void TrySkip_RandomBytes_AgreesWithMessagePackReaderSkip()
    {
        Gen.Byte.Array[0, 48].Sample(bytes =>
        {
            var ours = new MsgPackReader(bytes);
            bool oursOk = ours.TrySkip();
            var oracle = new MessagePackReader(bytes);
            bool oracleOk;
            try
            {
                oracle.Skip();
                oracleOk = true;
            }
            catch (Exception exception) when (exception is MessagePackSerializationException or EndOfStreamException or ArgumentOutOfRangeException)
            {
                oracleOk = false;
            }
            if (oracleOk && !oursOk && HasCountAboveInt32(bytes))
            {
                // The package reads array32/map32 counts into an int, so a count >= 2^31 turns negative and it
                // "skips" zero elements. Rejecting such a header is the right answer.
                return;
            }
            Assert.Equal(oracleOk, oursOk);
            if (oursOk)
            {
                Assert.Equal(oracle.Consumed, ours.Position);
            }
            else
            {
                Assert.InRange(ours.Error.Offset, 0, bytes.Length);
            }
        }, iter: 20_000);
    }

    private static bool HasCountAboveInt32(byte[] bytes) =>
        Enumerable.Range(0, Math.Max(0, bytes.Length - 1)).Any(i => bytes[i] is 0xdd or 0xdf && bytes[i + 1] >= 0x80);
}
