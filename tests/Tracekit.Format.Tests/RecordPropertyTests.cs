using CsCheck;

namespace Tracekit.Format.Tests;

/// <summary>Random field values of every kind: nulls, empty/long/astral strings, integer extremes.</summary>
public sealed class RecordPropertyTests
{
    private const int Iterations = 300;

    [Theory]
    [MemberData(nameof(Samples.KnownKinds), MemberType = typeof(Samples))]
    public void TryEncode_RandomRecord_RoundTripsThroughOurDecoder(RecordKind kind)
    {
        Gens.Of(kind).Sample(record => Assert.Equal(record, Codec.DecodeOrFail(Codec.Encode(record))), iter: Iterations);
    }

    [Theory]
    [MemberData(nameof(Samples.KnownKinds), MemberType = typeof(Samples))]
    public void TryEncode_RandomRecord_DecodesWithMessagePackReader(RecordKind kind)
    {
        Gens.Of(kind).Sample(record => Assert.Equal(record, OracleReader.Read(Codec.Encode(record))), iter: Iterations);
    }

    [Theory]
    [MemberData(nameof(Samples.KnownKinds), MemberType = typeof(Samples))]
    public void TryDecode_RandomRecordFromMessagePackWriter_EqualsInput(RecordKind kind)
    {
        Gens.Of(kind).Sample(record => Assert.Equal(record, Codec.DecodeOrFail(OracleWriter.Write(record))), iter: Iterations);
    }

    [Theory]
    [MemberData(nameof(Samples.KnownKinds), MemberType = typeof(Samples))]
    public void TryEncode_RandomRecord_MatchesMessagePackWriterBytes(RecordKind kind)
    {
        Gens.Of(kind).Sample(
            record => Assert.Equal(Convert.ToHexString(OracleWriter.Write(record)), Convert.ToHexString(Codec.Encode(record))),
            iter: Iterations);
    }

    [Theory]
    [MemberData(nameof(Samples.KnownKinds), MemberType = typeof(Samples))]
    public void TryDecode_RandomRecordWithAppendedElements_SkipsThemAndEqualsInput(RecordKind kind)
    {
        Gens.Of(kind).Select(Gen.Int[1, 7]).Sample(
            (record, extra) => Assert.Equal(record, Codec.DecodeOrFail(OracleWriter.Write(record, extra))),
            iter: Iterations / 3);
    }

    [Theory]
    [MemberData(nameof(Samples.KnownKinds), MemberType = typeof(Samples))]
    public void TryEncode_ExactSizeDestination_WritesSameBytesAsRoomyDestination(RecordKind kind)
    {
        // A roomy destination takes the unchecked fast paths; an exact one forces the checked tail of each write.
        Gens.Of(kind).Sample(record =>
        {
            byte[] roomy = Codec.Encode(record);
            var exact = new byte[roomy.Length];
            Assert.True(Codec.TryEncode(record, exact, out int written));
            Assert.Equal(roomy.Length, written);
            Assert.Equal(Convert.ToHexString(roomy), Convert.ToHexString(exact));
        }, iter: Iterations);
    }
}
