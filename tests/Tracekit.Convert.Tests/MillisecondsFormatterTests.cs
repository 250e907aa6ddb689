using System.Globalization;
using System.Text;
using Tracekit.Convert.Output;

namespace Tracekit.Convert.Tests;

public class MillisecondsFormatterTests
{
    [Theory]
    [InlineData(0L, "0")]
    [InlineData(1L, "0.000001")]
    [InlineData(10L, "0.00001")]
    [InlineData(999_999L, "0.999999")]
    [InlineData(1_000_000L, "1")]
    [InlineData(10_500_001L, "10.500001")]
    [InlineData(10_500_000L, "10.5")]
    [InlineData(10_050_000L, "10.05")]
    [InlineData(100_000L, "0.1")]
    [InlineData(-2_500_000L, "-2.5")]
    [InlineData(long.MaxValue, "9223372036854.775807")]
    [InlineData(long.MinValue, "-9223372036854.775808")]
    public void Format_KnownDurations_ExactDecimalMilliseconds(long durationNs, string expected) =>
        Assert.Equal(expected, Format(durationNs));

    [Fact]
    public void Format_RandomDurations_EqualsDecimalDivision()
    {
        var random = new Random(20261126);
        for (int i = 0; i < 100_000; i++)
        {
            long durationNs = random.NextInt64(-50_000_000_000, 50_000_000_000) >> random.Next(0, 40);
            string expected = (durationNs / 1_000_000m).ToString(CultureInfo.InvariantCulture);
            Assert.Equal(expected, Format(durationNs));
        }
    }

    private static string Format(long durationNs)
    {
        Span<byte> buffer = stackalloc byte[MillisecondsFormatter.MaxLengthInBytes];
        int length = MillisecondsFormatter.Format(durationNs, buffer);
        return Encoding.ASCII.GetString(buffer[..length]);
    }
}
