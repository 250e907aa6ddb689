using System.Text.Json;

namespace Tracekit.Plot;

/// <summary>A median with its spread (min and max over the repeats), as the harness's summary stores it.</summary>
internal readonly record struct Spread(double Median, double Min, double Max)
{
    public static Spread? From(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
            ? new Spread(element.GetProperty("median").GetDouble(), element.GetProperty("min").GetDouble(), element.GetProperty("max").GetDouble())
            : null;
}

internal sealed record CostPoint(string Sampler, int RateHz, int Processes, Spread CpuPercent, Spread? MicrosecondsPerSample);

internal sealed record VictimPoint(string Sampler, int RateHz, Spread LossPercent);

/// <summary>One collector's memory samples: seconds since the window began, VmRSS and its anonymous part (RssAnon) in KiB.</summary>
internal sealed record MemorySeries(int RateHz, int Processes, double[] Seconds, double[] RssKiB, double[] AnonKiB);

/// <summary>The parts of the harness's JSON the plots need (its "summary", and the raw memory runs).</summary>
internal sealed class OverheadResults
{
    public List<CostPoint> Cost { get; } = [];
    public List<VictimPoint> Victim { get; } = [];
    public List<MemorySeries> Memory { get; } = [];
    public bool Quick { get; private init; }
    public int Repeats { get; private init; }

    public static OverheadResults From(JsonElement root)
    {
        JsonElement meta = root.GetProperty("meta");
        var results = new OverheadResults { Quick = meta.GetProperty("quick").GetBoolean(), Repeats = meta.GetProperty("repeats").GetInt32() };
        JsonElement summary = root.GetProperty("summary");
        foreach (JsonElement c in summary.GetProperty("cost").EnumerateArray())
        {
            if (Spread.From(c.GetProperty("cpu_pct")) is not { } cpu) continue;
            results.Cost.Add(new CostPoint(c.GetProperty("sampler").GetString()!, c.GetProperty("hz").GetInt32(),
                c.GetProperty("procs").GetInt32(), cpu, Spread.From(c.GetProperty("us_per_sample"))));
        }

        if (summary.GetProperty("victim").TryGetProperty("configs", out JsonElement victim))
        {
            foreach (JsonElement v in victim.EnumerateArray())
            {
                if (Spread.From(v.GetProperty("loss_pct")) is not { } loss) continue;
                results.Victim.Add(new VictimPoint(v.GetProperty("sampler").GetString()!, v.GetProperty("hz").GetInt32(), loss));
            }
        }

        foreach (JsonElement m in root.GetProperty("memory").EnumerateArray())
        {
            JsonElement[] samples = m.GetProperty("rss_kb").EnumerateArray().ToArray();
            results.Memory.Add(new MemorySeries(m.GetProperty("hz").GetInt32(), m.GetProperty("procs").GetInt32(),
                samples.Select(s => s[0].GetDouble()).ToArray(), samples.Select(s => s[1].GetDouble()).ToArray(),
                samples.Select(s => s[2].GetDouble()).ToArray()));
        }

        return results;
    }
}
