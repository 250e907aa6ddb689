using System.Text.Json;

namespace Tracekit.Plot;

/// <summary>
/// Draws the overhead report's plots from the harness's JSON (tools/overhead.sh):
///   dotnet run --project tools/plot -- RESULTS.json OUTDIR
/// Writes collector-cpu-vs-rate.png, us-per-sample-vs-rate.png, victim-loss-vs-rate.png and
/// collector-rss-over-time.png; a plot whose data is absent (a phase that was skipped) is not written.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: Tracekit.Plot RESULTS.json OUTDIR");
            return 2;
        }

        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(args[0]));
        var results = OverheadResults.From(document.RootElement);
        Directory.CreateDirectory(args[1]);
        var written = new List<string>();
        if (results.Cost.Count > 0)
        {
            written.Add(Charts.CpuVsRate(results, Path.Combine(args[1], "collector-cpu-vs-rate.png")));
            written.Add(Charts.CostPerSampleVsRate(results, Path.Combine(args[1], "us-per-sample-vs-rate.png")));
        }

        if (results.Victim.Count > 0)
            written.Add(Charts.VictimLossVsRate(results, Path.Combine(args[1], "victim-loss-vs-rate.png")));
        if (results.Memory.Count > 0)
            written.Add(Charts.RssOverTime(results, Path.Combine(args[1], "collector-rss-over-time.png")));
        foreach (string path in written) Console.WriteLine(path);
        return 0;
    }
}
