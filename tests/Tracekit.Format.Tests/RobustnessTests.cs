using CsCheck;

namespace Tracekit.Format.Tests;

/// <summary>
/// Damaged payloads: the decoder must never throw, never hang, and never accept bytes that the MessagePack
/// package's reader would read differently.
/// </summary>
public sealed class RobustnessTests
{
    [Theory]
    [MemberData(nameof(Samples.AllAsTheoryData), MemberType = typeof(Samples))]
    public void TryDecode_EveryTruncation_FailsWithOffsetInsideTheBuffer(object record)
    {
        byte[] payload = Codec.Encode(record);
        RecordKind kind = Codec.KindOf(record);
        for (int length = 0; length < payload.Length; length++)
        {
            byte[] truncated = payload[..length];
            Assert.False(RecordDecoder.TryDecodeAny(truncated, out object? any, out DecodeError anyError), $"length {length}");
            Assert.Null(any);
            Assert.InRange(anyError.Offset, 0, length);
            Assert.False(Codec.TryDecode(kind, truncated, out _, out DecodeError error));
            Assert.InRange(error.Offset, 0, length);
        }
    }

    [Theory]
    [MemberData(nameof(Samples.KnownKinds), MemberType = typeof(Samples))]
    public void TryDecodeAny_RandomMutations_NeverThrowsAndAgreesWithMessagePackReader(RecordKind kind)
    {
        Gen<(object Record, int Seed)> input = Gen.Select(Gens.Of(kind), Gen.Int);
        input.Sample((record, seed) =>
        {
            byte[] mutated = Mutate(Codec.Encode(record), new Random(seed));
            if (RecordDecoder.TryDecodeAny(mutated, out object? decoded, out DecodeError error))
            {
                // Accepting a mutated payload is fine only if it really is a valid record with these values.
                if (decoded is not UnknownRecord)
                {
                    Assert.Equal(OracleReader.Read(mutated), decoded);
                    Assert.Equal(decoded, Codec.DecodeOrFail(Codec.Encode(decoded)));
                }
            }
            else
            {
                Assert.Null(decoded);
                Assert.InRange(error.Offset, 0, mutated.Length);
                Assert.False(string.IsNullOrEmpty(error.Message));
            }
        }, iter: 4000);
    }

    [Fact]
    public void TryDecodeAny_RandomBytes_NeverThrows()
    {
        Gen.Byte.Array[0, 80].Sample(bytes =>
        {
            if (!RecordDecoder.TryDecodeAny(bytes, out _, out DecodeError error))
            {
                Assert.InRange(error.Offset, 0, bytes.Length);
            }
        }, iter: 20_000);
    }

    [Fact]
    public void TryDecodeAny_RecordHeaderThenRandomBytes_NeverThrows()
    {
        // A valid header steers the random tail into every kind's field decoders.
        Gen.Select(Gen.Int[1, 17], Gen.Byte.Array[0, 80], Gen.Int[2, 20]).Sample((kind, tail, count) =>
        {
            byte[] payload = [(byte)(0x90 | Math.Min(count, 15)), (byte)kind, 0x01, .. tail];
            if (!RecordDecoder.TryDecodeAny(payload, out _, out DecodeError error))
            {
                Assert.InRange(error.Offset, 0, payload.Length);
            }
        }, iter: 50_000);
    }

    /// <summary>One to three random edits: flip a bit, overwrite, insert, delete, or cut the tail.</summary>
    private static byte[] Mutate(byte[] payload, Random random)
    {
        var bytes = new List<byte>(payload);
        int edits = random.Next(1, 4);
        for (int i = 0; i < edits && bytes.Count > 0; i++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = (byte)random.Next(256); break;
                case 2: bytes.Insert(at, (byte)random.Next(256)); break;
                case 3: bytes.RemoveAt(at); break;
                default: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }
        return [.. bytes];
    }
}
