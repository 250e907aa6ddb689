using System.Text;
using System.Text.Json;
using Tracekit.Convert.Output;
using Tracekit.Convert.Tests.Support;

namespace Tracekit.Convert.Tests;

/// <summary>
/// The fast row writer (<see cref="JsonRow"/>) against System.Text.Json's own writer: the same bytes for every kind
/// of value, strings escaped by System.Text.Json, numbers formatted the same way.
/// </summary>
public sealed class JsonRowTests : IDisposable
{
    private static readonly JsonName V = JsonName.Of("v");
    private static readonly JsonName W = JsonName.Of("w");
    private static readonly JsonName Escaped = JsonName.Of("na\"me\n");
    private readonly RowFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData("plain")]
    [InlineData("")]
    [InlineData("quote \" and backslash \\")]
    [InlineData("controls \u0000 \u0001 \b \f \n \r \t \u001f \u007f")]
    [InlineData("non-ASCII é 中 \u2028 \u2029 \ufffd")]
    [InlineData("astral \U0001F600")]
    [InlineData("html < > & ' + `")]
    [InlineData("/sys/fs/cgroup/system.slice/docker-0123.scope")]
    public void String_AnyCharacters_SameBytesAsUtf8JsonWriter(string value)
    {
        byte[] ours = _files.Write(file =>
        {
            var row = file.Row();
            row.String(V, value);
            row.String(Escaped, value);
            row.End();
        });

        Assert.Equal(RowFiles.Oracle(json =>
        {
            json.WriteString(V.Text, value);
            json.WriteString(Escaped.Text, value);
        }), ours);
        using var document = JsonDocument.Parse(ours);
        Assert.Equal(value, document.RootElement.GetProperty("v").GetString());
        Assert.Equal(value, document.RootElement.GetProperty("na\"me\n").GetString());
    }

    [Fact]
    public void String_LoneSurrogate_SameOutcomeAsUtf8JsonWriter()
    {
        const string broken = "a\ud800b";
        string Outcome(Func<byte[]> write)
        {
            try
            {
                return Encoding.UTF8.GetString(write());
            }
            catch (ArgumentException ex)
            {
                return ex.GetType().Name;
            }
        }

        string ours = Outcome(() => _files.Write(file =>
        {
            var row = file.Row();
            row.String(V, broken);
            row.End();
        }));
        string oracle = Outcome(() => RowFiles.Oracle(json => json.WriteString(V.Text, broken)));
        Assert.Equal(oracle, ours);
    }

    [Fact]
    public void String_NullAndPreEncoded_NullAndSameBytes()
    {
        var encoded = JsonEncodedText.Encode("node \"1\"", JsonText.Encoder);
        byte[] ours = _files.Write(file =>
        {
            var row = file.Row();
            row.String(V, (string?)null);
            row.String(W, encoded);
            row.End();
        });

        Assert.Equal("{\"v\":null,\"w\":\"node \\\"1\\\"\"}\n", Encoding.UTF8.GetString(ours));
    }

    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(-1L)]
    [InlineData(0L)]
    [InlineData(1_700_000_000_123L)]
    [InlineData(long.MaxValue)]
    public void Number_Int64_SameBytesAsUtf8JsonWriter(long value)
    {
        byte[] ours = _files.Write(file =>
        {
            var row = file.Row();
            row.Number(V, value);
            row.Number(W, (ulong)Math.Abs(value / 2));
            row.End();
        });

        Assert.Equal(RowFiles.Oracle(json =>
        {
            json.WriteNumber(V.Text, value);
            json.WriteNumber(W.Text, (ulong)Math.Abs(value / 2));
        }), ours);
    }

    [Fact]
    public void Number_UInt64Max_SameBytesAsUtf8JsonWriter()
    {
        byte[] ours = _files.Write(file =>
        {
            var row = file.Row();
            row.Number(V, ulong.MaxValue);
            row.End();
        });

        Assert.Equal("{\"v\":18446744073709551615}\n", Encoding.UTF8.GetString(ours));
        Assert.Equal(RowFiles.Oracle(json => json.WriteNumber(V.Text, ulong.MaxValue)), ours);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(45.123)]
    [InlineData(-2.5)]
    [InlineData(0.1)]
    [InlineData(1e-7)]
    [InlineData(123456789.123)]
    [InlineData(1e21)]
    [InlineData(double.Epsilon)]
    [InlineData(double.MaxValue)]
    [InlineData(double.MinValue)]
    public void Number_Double_SameBytesAsUtf8JsonWriter(double value)
    {
        byte[] ours = _files.Write(file =>
        {
            var row = file.Row();
            row.Number(V, value);
            row.End();
        });

        Assert.Equal(RowFiles.Oracle(json => json.WriteNumber(V.Text, value)), ours);
        using var document = JsonDocument.Parse(ours);
        Assert.Equal(value, document.RootElement.GetProperty("v").GetDouble());
    }

    [Fact]
    public void Number_NegativeZero_SameBytesAsUtf8JsonWriter()
    {
        byte[] ours = _files.Write(file =>
        {
            var row = file.Row();
            row.Number(V, -0.0);
            row.End();
        });

        Assert.Equal(RowFiles.Oracle(json => json.WriteNumber(V.Text, -0.0)), ours);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Number_NonFiniteDouble_WritesNull(double value)
    {
        byte[] ours = _files.Write(file =>
        {
            var row = file.Row();
            row.Number(V, value);
            row.Number(W, (double?)null);
            row.End();
        });

        Assert.Equal("{\"v\":null,\"w\":null}\n", Encoding.UTF8.GetString(ours));
    }

    [Theory]
    [InlineData(10_500_001L, "10.500001")]
    [InlineData(250_000L, "0.25")]
    [InlineData(1L, "0.000001")]
    [InlineData(1_000_000L, "1")]
    [InlineData(0L, "0")]
    [InlineData(-1L, "-0.000001")]
    [InlineData(-7_250_000L, "-7.25")]
    [InlineData(long.MaxValue, "9223372036854.775807")]
    [InlineData(long.MinValue, "-9223372036854.775808")]
    public void MsFromNs_Nanoseconds_ExactDecimalMilliseconds(long durationNs, string expected)
    {
        byte[] ours = _files.Write(file =>
        {
            var row = file.Row();
            row.MsFromNs(V, durationNs);
            row.End();
        });

        Assert.Equal($"{{\"v\":{expected}}}\n", Encoding.UTF8.GetString(ours));
        using var document = JsonDocument.Parse(ours);
        Assert.Equal(durationNs / 1_000_000m, document.RootElement.GetProperty("v").GetDecimal());
    }

    [Fact]
    public void Row_NoProperties_WritesEmptyObject()
    {
        byte[] ours = _files.Write(file => file.Row().End());

        Assert.Equal("{}\n", Encoding.UTF8.GetString(ours));
    }

    [Fact]
    public void Rows_FastAndUtf8JsonWriterMixed_OneObjectPerLineInOrder()
    {
        byte[] ours = _files.Write(file =>
        {
            var row = file.Row();
            row.Number(V, 1L);
            row.Bool(W, true);
            row.End();
            var json = file.BeginRow();
            json.WriteNumber(V.Text, 2);
            json.WriteNull(W.Text);
            file.EndRow();
            row = file.Row();
            row.Number(V, 3L);
            row.Null(W);
            row.End();
        });

        Assert.Equal("{\"v\":1,\"w\":true}\n{\"v\":2,\"w\":null}\n{\"v\":3,\"w\":null}\n", Encoding.UTF8.GetString(ours));
    }

    [Fact]
    public void Row_LargerThanTheBuffer_BufferGrowsAndEveryRowIsIntact()
    {
        string huge = new('x', 3 * JsonlFile.DrainThresholdInBytes);
        byte[] ours = _files.Write(file =>
        {
            for (int i = 0; i < 3; i++)
            {
                var row = file.Row();
                row.Number(V, (long)i);
                row.String(W, huge);
                row.End();
            }
        });

        string[] lines = Encoding.UTF8.GetString(ours).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        for (int i = 0; i < 3; i++)
        {
            using var document = JsonDocument.Parse(lines[i]);
            Assert.Equal(i, document.RootElement.GetProperty("v").GetInt64());
            Assert.Equal(huge, document.RootElement.GetProperty("w").GetString());
        }
    }

    [Fact]
    public void Raw_PaddedAndExactFragments_SameBytes()
    {
        Span<byte> scratch = stackalloc byte[JsonFragment.MaxLengthInBytes];
        int length = JsonFragment.Write(scratch, V, -42L);
        byte[] exact = scratch[..length].ToArray();
        byte[] padded = JsonFragment.Padded(exact);
        byte[] longFragment = Encoding.UTF8.GetBytes("," + string.Join(',', Enumerable.Range(0, 20).Select(i => $"\"k{i}\":{i}")));

        byte[] ours = _files.Write(file =>
        {
            var row = file.Row();
            row.Raw(padded, length);
            row.Raw(exact, length);
            row.Raw(exact);
            row.Raw(JsonFragment.Padded(longFragment), longFragment.Length);
            row.End();
        });

        Assert.Equal("{\"v\":-42,\"v\":-42,\"v\":-42" + Encoding.UTF8.GetString(longFragment) + "}\n", Encoding.UTF8.GetString(ours));
    }
}
