using CsCheck;
using MessagePack;

namespace Tracekit.Format.Tests;

public sealed class PrimitiveTests
{
    [Theory]
    [InlineData(0UL, "00")]
    [InlineData(127UL, "7F")]
    [InlineData(128UL, "CC80")]
    [InlineData(255UL, "CCFF")]
    [InlineData(256UL, "CD0100")]
    [InlineData(65_535UL, "CDFFFF")]
    [InlineData(65_536UL, "CE00010000")]
    [InlineData(4_294_967_295UL, "CEFFFFFFFF")]
    [InlineData(4_294_967_296UL, "CF0000000100000000")]
    [InlineData(ulong.MaxValue, "CFFFFFFFFFFFFFFFFF")]
    public void TryWriteUInt64_Boundary_WritesSmallestEncoding(ulong value, string expectedHex)
    {
        Assert.Equal(expectedHex, WriteHex((Span<byte> d, out int n) => MsgPackPrimitives.TryWriteUInt64(d, value, out n)));
        Assert.Equal(expectedHex, OracleBytes.Hex((ref MessagePackWriter w) => w.Write(value)));
    }

    [Theory]
    [InlineData(-1L, "FF")]
    [InlineData(-32L, "E0")]
    [InlineData(-33L, "D0DF")]
    [InlineData(-128L, "D080")]
    [InlineData(-129L, "D1FF7F")]
    [InlineData(-32_768L, "D18000")]
    [InlineData(-32_769L, "D2FFFF7FFF")]
    [InlineData(-2_147_483_648L, "D280000000")]
    [InlineData(-2_147_483_649L, "D3FFFFFFFF7FFFFFFF")]
    [InlineData(long.MinValue, "D38000000000000000")]
    [InlineData(127L, "7F")]
    [InlineData(128L, "CC80")]
    [InlineData(long.MaxValue, "CF7FFFFFFFFFFFFFFF")]
    public void TryWriteInt64_Boundary_WritesSmallestEncoding(long value, string expectedHex)
    {
        Assert.Equal(expectedHex, WriteHex((Span<byte> d, out int n) => MsgPackPrimitives.TryWriteInt64(d, value, out n)));
        Assert.Equal(expectedHex, OracleBytes.Hex((ref MessagePackWriter w) => w.Write(value)));
    }

    [Fact]
    public void TryWriteInt64_RandomValue_MatchesMessagePackWriterAndReadsBack()
    {
        Gens.Int64.Sample(value =>
        {
            byte[] ours = Write((Span<byte> d, out int n) => MsgPackPrimitives.TryWriteInt64(d, value, out n));
            Assert.Equal(OracleBytes.Of((ref MessagePackWriter w) => w.Write(value)), ours);
            Assert.Equal(MsgPackPrimitives.GetInt64Size(value), ours.Length);
            var reader = new MsgPackReader(ours);
            Assert.True(reader.TryReadInt64(out long read));
            Assert.Equal(value, read);
            Assert.True(reader.End);
        }, iter: 5000);
    }

    [Fact]
    public void TryWriteUInt64_RandomValue_MatchesMessagePackWriterAndReadsBack()
    {
        Gens.UInt64.Sample(value =>
        {
            byte[] ours = Write((Span<byte> d, out int n) => MsgPackPrimitives.TryWriteUInt64(d, value, out n));
            Assert.Equal(OracleBytes.Of((ref MessagePackWriter w) => w.Write(value)), ours);
            var reader = new MsgPackReader(ours);
            Assert.True(reader.TryReadUInt64(out ulong read));
            Assert.Equal(value, read);
        }, iter: 5000);
    }

    [Fact]
    public void TryWriteInteger_DestinationTooSmall_ReturnsFalseAtEveryLength()
    {
        foreach (long value in Gens.Int64Edges)
        {
            int size = MsgPackPrimitives.GetInt64Size(value);
            for (int length = 0; length < size; length++)
            {
                Assert.False(MsgPackPrimitives.TryWriteInt64(new byte[length], value, out int written));
                Assert.Equal(0, written);
            }
        }
        foreach (ulong value in Gens.UInt64Edges)
        {
            int size = MsgPackPrimitives.GetUInt64Size(value);
            Assert.False(MsgPackPrimitives.TryWriteUInt64(new byte[size - 1], value, out _));
            Assert.True(MsgPackPrimitives.TryWriteUInt64(new byte[size], value, out int written));
            Assert.Equal(size, written);
        }
    }

    [Fact]
    public void TryWriteNilAndBool_Always_MatchMessagePackWriter()
    {
        Assert.Equal("C0", WriteHex((Span<byte> d, out int n) => MsgPackPrimitives.TryWriteNil(d, out n)));
        Assert.Equal("C3", WriteHex((Span<byte> d, out int n) => MsgPackPrimitives.TryWriteBool(d, true, out n)));
        Assert.Equal("C2", WriteHex((Span<byte> d, out int n) => MsgPackPrimitives.TryWriteBool(d, false, out n)));
        Assert.False(MsgPackPrimitives.TryWriteNil([], out _));
        Assert.False(MsgPackPrimitives.TryWriteBool([], true, out _));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-2.25)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.Epsilon)]
    public void TryWriteDouble_Value_WritesFloat64LikeMessagePackWriter(double value)
    {
        string ours = WriteHex((Span<byte> d, out int n) => MsgPackPrimitives.TryWriteDouble(d, value, out n));

        Assert.Equal(OracleBytes.Hex((ref MessagePackWriter w) => w.Write(value)), ours);
        Assert.StartsWith("CB", ours);
        Assert.False(MsgPackPrimitives.TryWriteDouble(new byte[8], value, out _));
    }

    [Theory]
    [InlineData(0, "90")]
    [InlineData(15, "9F")]
    [InlineData(16, "DC0010")]
    [InlineData(65_535, "DCFFFF")]
    [InlineData(65_536, "DD00010000")]
    [InlineData(int.MaxValue, "DD7FFFFFFF")]
    public void TryWriteArrayHeader_Count_MatchesMessagePackWriter(int count, string expectedHex)
    {
        Assert.Equal(expectedHex, WriteHex((Span<byte> d, out int n) => MsgPackPrimitives.TryWriteArrayHeader(d, count, out n)));
        Assert.Equal(expectedHex, OracleBytes.Hex((ref MessagePackWriter w) => w.WriteArrayHeader(count)));
        Assert.False(MsgPackPrimitives.TryWriteArrayHeader(new byte[expectedHex.Length / 2 - 1], count, out _));
    }

    [Theory]
    [InlineData(0, 'a', "A0")]
    [InlineData(31, 'a', "BF")]
    [InlineData(32, 'a', "D920")]
    [InlineData(255, 'a', "D9FF")]
    [InlineData(256, 'a', "DA0100")]
    [InlineData(65_535, 'a', "DAFFFF")]
    [InlineData(65_536, 'a', "DB00010000")]
    [InlineData(10, '中', "BE")]
    [InlineData(11, '中', "D921")]
    [InlineData(16, 'é', "D920")]
    public void TryWriteString_LengthAtBoundary_WritesSmallestHeaderLikeMessagePackWriter(int length, char c, string expectedHeaderHex)
    {
        string value = new(c, length);

        byte[] ours = Write((Span<byte> d, out int n) => MsgPackPrimitives.TryWriteString(d, value, out n));

        Assert.StartsWith(expectedHeaderHex, Convert.ToHexString(ours.AsSpan(0, Math.Min(ours.Length, 5))));
        Assert.Equal(OracleBytes.Of((ref MessagePackWriter w) => w.Write(value)), ours);
        Assert.False(MsgPackPrimitives.TryWriteString(new byte[ours.Length - 1], value, out _));
        var reader = new MsgPackReader(ours);
        Assert.True(reader.TryReadString(out string read));
        Assert.Equal(value, read);
    }

    [Fact]
    public void TryWriteString_Null_WritesNil()
    {
        Assert.Equal("C0", WriteHex((Span<byte> d, out int n) => MsgPackPrimitives.TryWriteString(d, null, out n)));
    }

    [Fact]
    public void TryWriteString_LoneSurrogate_WritesReplacementCharacter()
    {
        Assert.Equal("A3EFBFBD", WriteHex((Span<byte> d, out int n) => MsgPackPrimitives.TryWriteString(d, "\ud800", out n)));
    }

    [Fact]
    public void TryWriteString_RandomString_MatchesMessagePackWriterAtEveryDestinationSize()
    {
        Gens.String.Sample(value =>
        {
            byte[] expected = OracleBytes.Of((ref MessagePackWriter w) => w.Write(value));
            Assert.Equal(expected, Write((Span<byte> d, out int n) => MsgPackPrimitives.TryWriteString(d, value, out n)));
            Assert.Equal(expected, Write((Span<byte> d, out int n) => MsgPackPrimitives.TryWriteStringUtf8(d, System.Text.Encoding.UTF8.GetBytes(value), out n)));
            // Every destination size just below what is needed fails cleanly, including the fast-path sizes.
            for (int length = Math.Max(0, expected.Length - 40); length < expected.Length; length++)
            {
                Assert.False(MsgPackPrimitives.TryWriteString(new byte[length], value, out int written));
                Assert.Equal(0, written);
            }
        }, iter: 500);
    }

    [Fact]
    public void MsgPackWriter_SequenceOfWrites_TracksPositionAndStopsWhenFull()
    {
        var buffer = new byte[12];
        var writer = new MsgPackWriter(buffer);

        Assert.True(writer.TryWriteArrayHeader(3));
        Assert.True(writer.TryWriteUInt64(300));
        Assert.True(writer.TryWriteString("abc"));
        Assert.True(writer.TryWriteInt64((long?)null));
        Assert.Equal("93CD012CA3616263C0", Convert.ToHexString(writer.WrittenSpan));
        Assert.False(writer.TryWriteInt64(-1_000_000_000_000)); // 9 bytes do not fit in the 3 left
        Assert.Equal(9, writer.Position);
        Assert.True(writer.TryWriteInt64(-1));
        Assert.True(writer.TryWriteBool(true));
        Assert.True(writer.TryWriteNil());
        Assert.False(writer.TryWriteNil());
        Assert.Equal(12, writer.Position);
    }

    private delegate bool TryWrite(Span<byte> destination, out int bytesWritten);

    private static byte[] Write(TryWrite write)
    {
        var buffer = new byte[RecordEncoder.MaxEncodedSizeInBytes(70_000)];
        Assert.True(write(buffer, out int written));
        return buffer.AsSpan(0, written).ToArray();
    }

    private static string WriteHex(TryWrite write) => Convert.ToHexString(Write(write));
}
