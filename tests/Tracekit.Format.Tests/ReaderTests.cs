using CsCheck;
using MessagePack;

namespace Tracekit.Format.Tests;

public sealed class ReaderTests
{
    [Theory]
    [InlineData("05", 5)]
    [InlineData("CC05", 5)]
    [InlineData("CD0005", 5)]
    [InlineData("CE00000005", 5)]
    [InlineData("CF0000000000000005", 5)]
    [InlineData("D005", 5)]
    [InlineData("D10005", 5)]
    [InlineData("D200000005", 5)]
    [InlineData("D30000000000000005", 5)]
    [InlineData("FB", -5)]
    [InlineData("D0FB", -5)]
    [InlineData("D1FFFB", -5)]
    [InlineData("D2FFFFFFFB", -5)]
    [InlineData("D3FFFFFFFFFFFFFFFB", -5)]
    [InlineData("CE7FFFFFFF", int.MaxValue)]
    [InlineData("D3FFFFFFFF80000000", int.MinValue)]
    public void TryReadInt32_AnyEncodingWhoseValueFits_ReturnsValue(string hex, int expected)
    {
        var reader = new MsgPackReader(Convert.FromHexString(hex));

        Assert.True(reader.TryReadInt32(out int value));
        Assert.Equal(expected, value);
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData("CE80000000")]
    [InlineData("CFFFFFFFFFFFFFFFFF")]
    [InlineData("D3FFFFFFFF7FFFFFFF")]
    public void TryReadInt32_ValueOutOfRange_FailsAtValueWithPositionUnchanged(string hex)
    {
        var reader = new MsgPackReader(Convert.FromHexString("C0" + hex));
        Assert.True(reader.TryReadNil());

        Assert.False(reader.TryReadInt32(out _));
        Assert.Equal(new DecodeError(1, DecodeMessages.IntegerOutOfRange), reader.Error);
        Assert.Equal(1, reader.Position);
    }

    [Theory]
    [InlineData("FF")]
    [InlineData("D0FF")]
    [InlineData("D38000000000000000")]
    public void TryReadUInt64_NegativeValue_FailsOutOfRange(string hex)
    {
        var reader = new MsgPackReader(Convert.FromHexString(hex));

        Assert.False(reader.TryReadUInt64(out _));
        Assert.Equal(new DecodeError(0, DecodeMessages.IntegerOutOfRange), reader.Error);
    }

    [Fact]
    public void TryReadInt64_UInt64AboveInt64Max_FailsOutOfRange()
    {
        var reader = new MsgPackReader(Convert.FromHexString("CF8000000000000000"));

        Assert.False(reader.TryReadInt64(out _));
        Assert.Equal(DecodeMessages.IntegerOutOfRange, reader.Error.Message);
    }

    [Fact]
    public void TryReadByte_ValueAbove255_FailsOutOfRange()
    {
        Assert.True(new MsgPackReader(Convert.FromHexString("CCFF")).TryReadByte(out byte max));
        Assert.Equal(255, max);
        var reader = new MsgPackReader(Convert.FromHexString("CD0100"));
        Assert.False(reader.TryReadByte(out _));
        Assert.Equal(DecodeMessages.IntegerOutOfRange, reader.Error.Message);
    }

    [Theory]
    [InlineData("", DecodeMessages.UnexpectedEnd)]
    [InlineData("CC", DecodeMessages.UnexpectedEnd)]
    [InlineData("CD00", DecodeMessages.UnexpectedEnd)]
    [InlineData("CE000000", DecodeMessages.UnexpectedEnd)]
    [InlineData("D3", DecodeMessages.UnexpectedEnd)]
    [InlineData("C0", DecodeMessages.ExpectedInteger)]
    [InlineData("A0", DecodeMessages.ExpectedInteger)]
    [InlineData("C3", DecodeMessages.ExpectedInteger)]
    [InlineData("CB3FF8000000000000", DecodeMessages.ExpectedInteger)]
    public void TryReadInt64_NotACompleteInteger_FailsAtOffsetZero(string hex, string message)
    {
        var reader = new MsgPackReader(Convert.FromHexString(hex));

        Assert.False(reader.TryReadInt64(out _));
        Assert.Equal(new DecodeError(0, message), reader.Error);
        Assert.Equal(0, reader.Position);
    }

    [Fact]
    public void TryReadNullableInt_NilOrValue_ReturnsNullOrValue()
    {
        var reader = new MsgPackReader(Convert.FromHexString("C0D1FF7FC0CD0100"));

        Assert.True(reader.TryReadNullableInt64(out long? nil64));
        Assert.True(reader.TryReadNullableInt64(out long? value64));
        Assert.True(reader.TryReadNullableInt32(out int? nil32));
        Assert.True(reader.TryReadNullableInt32(out int? value32));
        Assert.Equal((null, -129L, null, 256), (nil64, value64, nil32, value32));
    }

    [Theory]
    [InlineData("CA3FC00000", 1.5)]
    [InlineData("CB3FF8000000000000", 1.5)]
    [InlineData("CAFF800000", double.NegativeInfinity)]
    public void TryReadDouble_Float32OrFloat64_ReturnsValue(string hex, double expected)
    {
        var reader = new MsgPackReader(Convert.FromHexString(hex));

        Assert.True(reader.TryReadDouble(out double value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("01", DecodeMessages.ExpectedFloat)]
    [InlineData("C0", DecodeMessages.ExpectedFloat)]
    [InlineData("CB3FF8", DecodeMessages.UnexpectedEnd)]
    [InlineData("CA3F", DecodeMessages.UnexpectedEnd)]
    public void TryReadDouble_NotAFloat_Fails(string hex, string message)
    {
        var reader = new MsgPackReader(Convert.FromHexString(hex));

        Assert.False(reader.TryReadDouble(out _));
        Assert.Equal(new DecodeError(0, message), reader.Error);
    }

    [Theory]
    [InlineData("C0", DecodeMessages.ExpectedString)]
    [InlineData("01", DecodeMessages.ExpectedString)]
    [InlineData("C4016A", DecodeMessages.ExpectedString)]
    [InlineData("D9", DecodeMessages.UnexpectedEnd)]
    [InlineData("DA00", DecodeMessages.UnexpectedEnd)]
    [InlineData("A5616263", DecodeMessages.LengthPastEnd)]
    [InlineData("DBFFFFFFFF61", DecodeMessages.LengthPastEnd)]
    [InlineData("A1FF", DecodeMessages.InvalidUtf8)]
    [InlineData("A2C080", DecodeMessages.InvalidUtf8)]
    [InlineData("A3EDA080", DecodeMessages.InvalidUtf8)]
    public void TryReadString_NotAValidString_FailsAtOffsetZero(string hex, string message)
    {
        var reader = new MsgPackReader(Convert.FromHexString(hex));

        Assert.False(reader.TryReadString(out _));
        Assert.Equal(new DecodeError(0, message), reader.Error);
        Assert.Equal(0, reader.Position);
    }

    [Fact]
    public void TryReadStringUtf8_InvalidUtf8_ReturnsRawBytes()
    {
        var reader = new MsgPackReader(Convert.FromHexString("A1FF"));

        Assert.True(reader.TryReadStringUtf8(out ReadOnlySpan<byte> utf8));
        Assert.Equal("FF", Convert.ToHexString(utf8));
    }

    [Fact]
    public void TryReadNullableString_NilThenString_ReturnsNullThenString()
    {
        var reader = new MsgPackReader(Convert.FromHexString("C0D903E4B8AD"));

        Assert.True(reader.TryReadNullableString(out string? nil));
        Assert.True(reader.TryReadNullableString(out string? text));
        Assert.Null(nil);
        Assert.Equal("中", text);
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData("90", 0)]
    [InlineData("920102", 2)]
    [InlineData("DC00020102", 2)]
    [InlineData("DD000000020102", 2)]
    public void TryReadArrayHeader_AnyArrayEncoding_ReturnsCount(string hex, int expected)
    {
        var reader = new MsgPackReader(Convert.FromHexString(hex));

        Assert.True(reader.TryReadArrayHeader(out int count));
        Assert.Equal(expected, count);
    }

    [Theory]
    [InlineData("", DecodeMessages.UnexpectedEnd)]
    [InlineData("DC00", DecodeMessages.UnexpectedEnd)]
    [InlineData("80", DecodeMessages.ExpectedArray)]
    [InlineData("C0", DecodeMessages.ExpectedArray)]
    [InlineData("9201", DecodeMessages.LengthPastEnd)]
    [InlineData("DDFFFFFFFF", DecodeMessages.LengthPastEnd)]
    public void TryReadArrayHeader_NotAnArrayOrTooLong_FailsAtOffsetZero(string hex, string message)
    {
        var reader = new MsgPackReader(Convert.FromHexString(hex));

        Assert.False(reader.TryReadArrayHeader(out int count));
        Assert.Equal(new DecodeError(0, message), reader.Error);
        Assert.Equal(0, count);
    }

    [Fact]
    public void TryReadBoolAndNil_MatchingAndMismatchedCodes_ReadOrFail()
    {
        var reader = new MsgPackReader(Convert.FromHexString("C3C2C0"));

        Assert.True(reader.TryReadBool(out bool first));
        Assert.True(reader.TryReadBool(out bool second));
        Assert.False(reader.TryReadBool(out _));
        Assert.Equal(new DecodeError(2, DecodeMessages.ExpectedBool), reader.Error);
        Assert.True(reader.NextIsNil);
        Assert.True(reader.TryReadNil());
        Assert.False(reader.TryReadNil());
        Assert.Equal(new DecodeError(3, DecodeMessages.UnexpectedEnd), reader.Error);
        Assert.Equal((true, false), (first, second));
    }

    /// <summary>Mostly integer codes, cut at random lengths, so both the fast and the checked paths are hit.</summary>
    private static readonly Gen<byte[]> IntegerLikeBytes = Gen.Select(
        Gen.Frequency((3, Gen.Byte[0xcc, 0xd3]), (1, Gen.Byte[0xe0, 0xff]), (1, Gen.Byte[0x00, 0x7f]), (1, Gen.Byte)),
        Gen.Byte.Array[0, 9],
        (code, rest) => (byte[])[code, .. rest]);

    [Fact]
    public void TryReadInt64_RandomBytes_AgreesWithMessagePackReader()
    {
        IntegerLikeBytes.Sample(bytes => AssertAgrees(bytes, (ref MsgPackReader r, out long v) => r.TryReadInt64(out v), (ref MessagePackReader r) => r.ReadInt64()), iter: 20_000);
    }

    [Fact]
    public void TryReadUInt64_RandomBytes_AgreesWithMessagePackReader()
    {
        IntegerLikeBytes.Sample(bytes => AssertAgrees(bytes, (ref MsgPackReader r, out ulong v) => r.TryReadUInt64(out v), (ref MessagePackReader r) => r.ReadUInt64()), iter: 20_000);
    }

    [Fact]
    public void TryReadInt32_RandomBytes_AgreesWithMessagePackReader()
    {
        IntegerLikeBytes.Sample(bytes => AssertAgrees(bytes, (ref MsgPackReader r, out int v) => r.TryReadInt32(out v), (ref MessagePackReader r) => r.ReadInt32()), iter: 20_000);
    }

    private delegate bool OurRead<T>(ref MsgPackReader reader, out T value);

    private delegate T OracleRead<T>(ref MessagePackReader reader);

    private static void AssertAgrees<T>(byte[] bytes, OurRead<T> ours, OracleRead<T> oracle)
    {
        var reader = new MsgPackReader(bytes);
        bool oursOk = ours(ref reader, out T value);
        var oracleReader = new MessagePackReader(bytes);
        T expected = default!;
        bool oracleOk = bytes.Length > 0 && oracleReader.NextMessagePackType == MessagePackType.Integer;
        try
        {
            expected = oracleOk ? oracle(ref oracleReader) : default!;
        }
        catch (Exception exception) when (exception is OverflowException or EndOfStreamException or MessagePackSerializationException)
        {
            oracleOk = false;
        }
        Assert.Equal(oracleOk, oursOk);
        if (oursOk)
        {
            Assert.Equal(expected, value);
            Assert.Equal(oracleReader.Consumed, reader.Position);
        }
        else
        {
            Assert.Equal(0, reader.Position);
            Assert.InRange(reader.Error.Offset, 0, bytes.Length);
        }
    }
}
