using System.Buffers.Binary;

namespace Tracekit.Ring.TestWriter;

/// <summary>
/// Deterministic test payloads: [producer:int32][sequence:int64][filler], the filler a function of both, so a
/// reader can check that a payload is byte-identical to the one written without keeping copies.
/// </summary>
public static class TestPayload
{
    public const int MinLength = 12;

    /// <summary>A length in [12, maxLength] that varies with the record, so frame boundaries move around.</summary>
    public static int LengthFor(int producer, long sequence, int maxLength) =>
        MinLength + (int)(Mix(producer, sequence) % (ulong)(maxLength - MinLength + 1));

    public static void Fill(Span<byte> destination, int producer, long sequence)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, producer);
        BinaryPrimitives.WriteInt64LittleEndian(destination[4..], sequence);
        ulong mix = Mix(producer, sequence);
        for (int i = MinLength; i < destination.Length; i++) destination[i] = (byte)((mix >> ((i & 7) * 8)) ^ (ulong)i);
    }

    /// <summary>True when the payload is exactly what <see cref="Fill"/> wrote for its producer and sequence.</summary>
    public static bool IsIntact(ReadOnlySpan<byte> payload, out int producer, out long sequence)
    {
        producer = -1;
        sequence = -1;
        if (payload.Length < MinLength) return false;
        producer = BinaryPrimitives.ReadInt32LittleEndian(payload);
        sequence = BinaryPrimitives.ReadInt64LittleEndian(payload[4..]);
        ulong mix = Mix(producer, sequence);
        for (int i = MinLength; i < payload.Length; i++)
            if (payload[i] != (byte)((mix >> ((i & 7) * 8)) ^ (ulong)i)) return false;
        return true;
    }

    private static ulong Mix(int producer, long sequence)
    {
        ulong x = ((ulong)sequence * 0x9E3779B97F4A7C15UL) ^ ((ulong)producer * 0xC2B2AE3D27D4EB4FUL);
        x ^= x >> 31;
        x *= 0xBF58476D1CE4E5B9UL;
        return x ^ (x >> 29);
    }
}
