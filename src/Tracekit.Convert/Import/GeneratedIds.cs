using System.Buffers.Binary;

namespace Tracekit.Convert.Import;

/// <summary>
/// Ids for requests whose log line carries none (the combined format, or a tracekit line without $request_id).
/// Deterministic: the same log imported again gets the same ids, so rows can be compared across conversions.
/// Derived from the log's fingerprint and the line number through SplitMix64's finaliser, a bijection on 64-bit
/// values: two lines of one log never share a span id, and logs with different fingerprints get unrelated ids.
/// </summary>
internal sealed class GeneratedIds(ReadOnlySpan<byte> fingerprint)
{
    private readonly ulong _traceSeedHigh = BinaryPrimitives.ReadUInt64LittleEndian(fingerprint);
    private readonly ulong _traceSeedLow = BinaryPrimitives.ReadUInt64LittleEndian(fingerprint[8..]);
    private readonly ulong _spanSeed = BinaryPrimitives.ReadUInt64LittleEndian(fingerprint[16..]);

    /// <summary>32 lowercase hex digits, the shape of a W3C trace id.</summary>
    public string TraceId(long lineNumber) =>
        string.Concat(Mix(_traceSeedHigh + (ulong)lineNumber).ToString("x16"), Mix(_traceSeedLow + (ulong)lineNumber).ToString("x16"));

    /// <summary>16 lowercase hex digits, the shape of a W3C span id.</summary>
    public string SpanId(long lineNumber) => Mix(_spanSeed + (ulong)lineNumber).ToString("x16");

    /// <summary>SplitMix64's output function (Steele, Lea, Flood 2014): invertible, so distinct inputs stay distinct.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
