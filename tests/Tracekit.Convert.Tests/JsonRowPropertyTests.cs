using System.Text;
using System.Text.Json;
using CsCheck;
using Tracekit.Convert.Output;
using Tracekit.Convert.Tests.Support;

namespace Tracekit.Convert.Tests;

/// <summary>Random rows: the fast writer's file equals System.Text.Json's bytes and parses back to the same values.</summary>
public sealed class JsonRowPropertyTests : IDisposable
{
    private static readonly JsonName Long = JsonName.Of("long");
    private static readonly JsonName ULong = JsonName.Of("ulong");
    private static readonly JsonName Double = JsonName.Of("double");
    private static readonly JsonName Text = JsonName.Of("text");
    private static readonly JsonName Ms = JsonName.Of("ms");

    /// <summary>Valid Unicode with everything JSON must or may escape: quotes, backslashes, controls, astral planes.</summary>
    private static readonly Gen<string?> Strings = Gen.Frequency(
        (1, Gen.Const((string?)null)),
        (9, Gen.Frequency(
            (3, Gen.Int[0x20, 0x7e]),
            (2, Gen.Int[0x00, 0x1f]),
            (1, Gen.OneOf((int)'"', '\\', 0x7f, 0x2028, 0xfffd)),
            (2, Gen.Int[0x80, 0xd7ff]),
            (1, Gen.Int[0xe000, 0xfffd]),
            (1, Gen.Int[0x10000, 0x10ffff]))
        .Select(char.ConvertFromUtf32).Array[0, 30].Select(parts => (string?)string.Concat(parts))));

    private static readonly Gen<double> Doubles = Gen.Frequency(
        (3, Gen.Double),
        (2, Gen.Long[-10_000_000, 10_000_000].Select(n => n / 1000.0)),
        (1, Gen.Double.Special));

    private static readonly Gen<Row> Rows = Gen.Select(
        Gen.Frequency((2, Gen.Long), (1, Gen.OneOf(long.MinValue, long.MaxValue, -1L, 0L))),
        Gen.ULong, Doubles, Strings, Gen.Long,
        (l, u, d, s, ms) => new Row(l, u, d, s, ms));

    private readonly RowFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Rows_RandomValues_SameBytesAsUtf8JsonWriterAndParseBackToTheSameValues()
    {
        Rows.Array[1, 200].Sample(rows =>
        {
            byte[] ours = _files.Write(file =>
            {
                foreach (var r in rows)
                {
                    var row = file.Row();
                    row.Number(Long, r.Long);
                    row.Number(ULong, r.ULong);
                    row.Number(Double, r.Double);
                    row.String(Text, r.Text);
                    row.MsFromNs(Ms, r.DurationNs);
                    row.End();
                }
            });

            byte[] oracle = [.. rows.SelectMany(r => RowFiles.Oracle(json =>
            {
                json.WriteNumber(Long.Text, r.Long);
                json.WriteNumber(ULong.Text, r.ULong);
                if (double.IsFinite(r.Double))
                {
                    json.WriteNumber(Double.Text, r.Double);
                }
                else
                {
                    json.WriteNull(Double.Text);
                }

                json.WriteString(Text.Text, r.Text);
                json.WritePropertyName(Ms.Text);
                json.WriteNumberValue(r.DurationNs / 1_000_000m); // decimal: exact, trailing zeros differ
            }))];
            string[] lines = Encoding.UTF8.GetString(ours).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(rows.Length, lines.Length);
            for (int i = 0; i < rows.Length; i++)
            {
                using var document = JsonDocument.Parse(lines[i]);
                var e = document.RootElement;
                var r = rows[i];
                Assert.Equal(r.Long, e.GetProperty("long").GetInt64());
                Assert.Equal(r.ULong, e.GetProperty("ulong").GetUInt64());
                if (double.IsFinite(r.Double))
                {
                    Assert.Equal(r.Double, e.GetProperty("double").GetDouble());
                }
                else
                {
                    Assert.Equal(JsonValueKind.Null, e.GetProperty("double").ValueKind);
                }

                Assert.Equal(r.Text, e.GetProperty("text").GetString());
                Assert.Equal(r.DurationNs / 1_000_000m, e.GetProperty("ms").GetDecimal());
            }

            // Byte equality up to the ms column, which the oracle writes as a decimal with its own trailing zeros.
            Assert.Equal(WithoutMs(oracle), WithoutMs(ours));
        });
    }

    private static string WithoutMs(byte[] jsonl) =>
        System.Text.RegularExpressions.Regex.Replace(Encoding.UTF8.GetString(jsonl), ",\"ms\":[-0-9.E+]+}", "}");

    private sealed record Row(long Long, ulong ULong, double Double, string? Text, long DurationNs);
}
