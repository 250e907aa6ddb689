using System.Globalization;
using System.Text;
using Tracekit.Convert.Output;

namespace Tracekit.Convert.Tests;

public class DecimalDigitsTests
{
    [Fact]
    public void Write_EveryPowerOfTenAndNeighbours_EqualsToString()
    {
        for (ulong power = 1; ; power *= 10)
        {
            foreach (ulong value in new[] { power - 1, power, power + 1 })
            {
                Assert.Equal(value.ToString(CultureInfo.InvariantCulture), Format(value));
            }

            if (power > ulong.MaxValue / 10)
            {
                break;
            }
        }

        Assert.Equal("0", Format(0UL));
        Assert.Equal("18446744073709551615", Format(ulong.MaxValue));
    }

    [Fact]
    public void Write_SignedExtremes_EqualsToString()
    {
        foreach (long value in new[] { 0L, -1L, 1L, -9L, -10L, long.MinValue, long.MaxValue, long.MinValue + 1 })
        {
            Assert.Equal(value.ToString(CultureInfo.InvariantCulture), Format(value));
        }
    }

    [Fact]
    public void Write_RandomValuesOfEveryBitLength_EqualsToString()
    {
        var random = new Random(20261126);
        for (int i = 0; i < 200_000; i++)
        {
            ulong value = (ulong)random.NextInt64() << 1 ^ (ulong)random.Next(2);
            value >>= random.Next(0, 64);
            Assert.Equal(value.ToString(CultureInfo.InvariantCulture), Format(value));
            long signed = unchecked((long)value);
            Assert.Equal(signed.ToString(CultureInfo.InvariantCulture), Format(signed));
        }
    }

    private static string Format(ulong value)
    {
        Span<byte> buffer = stackalloc byte[DecimalDigits.MaxLengthInBytes];
        return Encoding.ASCII.GetString(buffer[..DecimalDigits.Write(buffer, value)]);
    }

    private static string Format(long value)
    {
        Span<byte> buffer = stackalloc byte[DecimalDigits.MaxLengthInBytes];
        return Encoding.ASCII.GetString(buffer[..DecimalDigits.Write(buffer, value)]);
    }
}
