using System.Numerics;

namespace Tracekit.Convert.Output;

/// <summary>
/// Integers as ASCII decimal digits, two at a time from a pair table. Utf8Formatter decodes a StandardFormat first
/// (calls that profiles showed at three rows per process sample); the CCTF rows only ever need the plain form.
/// </summary>
public static class DecimalDigits
{
    /// <summary>The longest a ulong or long takes: 20 digits, or a sign and 19.</summary>
    public const int MaxLengthInBytes = 20;

    private static ReadOnlySpan<byte> Pairs =>
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    // 10^k for k = 0..19: the digit count is the bit length's estimate corrected by one comparison.
    private static ReadOnlySpan<ulong> PowersOf10 =>
    [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
        10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000,
        1_000_000_000_000_000, 10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
        10_000_000_000_000_000_000,
    ];

    /// <returns>The length written; <paramref name="destination"/> must hold <see cref="MaxLengthInBytes"/>.</returns>
    public static int Write(Span<byte> destination, long value)
    {
        if (value >= 0)
        {
            return Write(destination, (ulong)value);
        }

        destination[0] = (byte)'-';
        return 1 + Write(destination[1..], (ulong)(-(value + 1)) + 1); // long.MinValue too
    }

    /// <returns>The length written; <paramref name="destination"/> must hold <see cref="MaxLengthInBytes"/>.</returns>
    public static int Write(Span<byte> destination, ulong value)
    {
        int length = CountDigits(value);
        int position = length;
        while (value >= 100)
        {
            ulong quotient = value / 100;
            WritePair(destination, position - 2, (int)(value - (quotient * 100)));
            value = quotient;
            position -= 2;
        }

        if (value >= 10)
        {
            WritePair(destination, position - 2, (int)value);
        }
        else
        {
            destination[position - 1] = (byte)('0' + (int)value);
        }

        return length;
    }

    /// <summary>Writes the two digits of <paramref name="pair"/> (0–99) at <paramref name="index"/>.</summary>
    public static void WritePair(Span<byte> destination, int index, int pair)
    {
        ReadOnlySpan<byte> digits = Pairs.Slice(pair * 2, 2);
        destination[index] = digits[0];
        destination[index + 1] = digits[1];
    }

    private static int CountDigits(ulong value)
    {
        // floor(log10(2) * bits) is the digit count of 2^bits, or one less than some values of that bit length.
        // Zero is the one value with no significant bit: it counts as 1, which has one digit.
        ulong nonZero = value | 1;
        int estimate = ((64 - BitOperations.LeadingZeroCount(nonZero)) * 1233) >> 12;
        return estimate + (nonZero >= PowersOf10[estimate] ? 1 : 0);
    }
}
