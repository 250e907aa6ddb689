using System.Diagnostics;

namespace Tracekit.Dotnet.Tests;

/// <summary>
/// The example service's OpenTelemetry variant (-p:TracekitOtel=true), the in-process baseline of the side-by-side
/// harness: it builds, serves, has OpenTelemetry loaded and exports spans (AlwaysOn: one per request; 10 %: far fewer);
/// the plain build has none of it.
/// </summary>
public sealed class OtelVariantTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("1", 200, 200)]
    [InlineData("0.1", 1, 60)]
    public async Task OtelVariant_Built_ServesExportsSpansAndPlainBuildHasNone(string ratio, int minSpans, int maxSpans)
    {
        string project = Path.Combine(TracekitCli.RepoRoot, "src", "Tracekit.ExampleService");
        var build = Spawned.Start("dotnet", ["build", project, "-c", "Release", "-nologo", "-clp:ErrorsOnly", "-p:TracekitOtel=true"]);
        Assert.True(build.WaitForExit(TimeSpan.FromMinutes(5)) == 0, build.Stdout + build.Stderr);
        string otelDir = Path.Combine(project, "bin", "otel", "Release", "net10.0");

        using var otel = ExampleService.Start(new Dictionary<string, string> { ["TRACEKIT_EXAMPLE_OTEL_RATIO"] = ratio },
            servicePath: Path.Combine(otelDir, "tracekit-example-service"));
        using var plain = ExampleService.Start();
        using var http = new HttpClient();
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(otel.BaseUrl + "/work?cpu_ms=0")).StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(plain.BaseUrl + "/work?cpu_ms=0")).StatusCode);
        }

        // The batch processor exports every 5 s; each /otel/spans poll is a request too, and is traced after it answers.
        long spans = 0;
        int polls = 0;
        Assert.True(Waits.Until(() =>
        {
            polls++;
            spans = long.Parse(http.GetStringAsync(otel.BaseUrl + "/otel/spans").GetAwaiter().GetResult().Trim(), System.Globalization.CultureInfo.InvariantCulture);
            return spans >= minSpans;
        }, TimeSpan.FromSeconds(30)), $"only {spans} spans exported");
        output.WriteLine($"ratio {ratio}: {spans} spans exported after 200 requests and {polls} polls");
        Assert.InRange(spans, minSpans, maxSpans + polls);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(plain.BaseUrl + "/otel/spans")).StatusCode);

        string otelMaps = File.ReadAllText($"/proc/{otel.Pid}/maps");
        string plainMaps = File.ReadAllText($"/proc/{plain.Pid}/maps");
        output.WriteLine(string.Join('\n', otelMaps.Split('\n').Where(l => l.Contains("OpenTelemetry", StringComparison.Ordinal)).Select(l => l[(l.LastIndexOf(' ') + 1)..]).Distinct()));
        Assert.Contains("OpenTelemetry.Instrumentation.AspNetCore.dll", otelMaps, StringComparison.Ordinal);
        Assert.Contains("/OpenTelemetry.dll", otelMaps, StringComparison.Ordinal);
        Assert.DoesNotContain("OpenTelemetry", plainMaps, StringComparison.Ordinal);
        string plainDir = Path.GetDirectoryName(Process.GetProcessById(plain.Pid).MainModule!.FileName)!;
        Assert.Empty(Directory.EnumerateFiles(plainDir, "OpenTelemetry*"));
    }
}
