using System.Text.Json;
using Tracekit.Convert.Cctf;

namespace Tracekit.Dotnet.Tests;

/// <summary>
/// One real run shared by <see cref="CollectEndToEndTests"/>: the example service, the native-AOT `tracekit collect
/// --dotnet PID --pid PID`, one invalid JSON document, `tracekit load` at 200 requests/s for 10 s, one multi-hop request, SIGTERM, then the
/// converter. Done once because it takes ~20 s on the 2-core machine.
/// </summary>
public sealed class CollectedRunFixture : IDisposable
{
    public const int Rate = 200;
    public const int DurationSeconds = 10;

    public CollectedRunFixture()
    {
        Out = Directory.CreateTempSubdirectory("tracekit-dotnet-e2e-").FullName;
        Service = ExampleService.Start(TracekitCli.CountingService);
        using var collector = TracekitCli.Collect(Out, "--dotnet", Service.Pid.ToString(), "--pid", Service.Pid.ToString());
        CaptureDirectory = TracekitCli.WaitForCapture(Out, Service.Pid, collector);

        // dotnet.exceptions has no value until an exception is thrown (the route catches it and answers 422); sent
        // before the load so that several metric intervals follow it.
        using (var http = new HttpClient())
        using (var invalid = http.PostAsync(Service.BaseUrl + "/json/validate", new StringContent("{")).GetAwaiter().GetResult())
            Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, invalid.StatusCode);

        using (var load = TracekitCli.Start("load", "--url", Service.BaseUrl + "/work?cpu_ms=1&resp_kb=64", "--rate", Rate.ToString(),
                   "--duration", $"{DurationSeconds}s", "--connections", "16", "--run-id", "run", "--node-id", "node", "--out", Out, "--json"))
        {
            Assert.Equal(0, load.WaitForExit(TimeSpan.FromSeconds(DurationSeconds + 60)));
            Load = JsonDocument.Parse(load.Stdout).RootElement.Clone();
        }

        HopTraceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        HopRootSpan = System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString();
        using (var http = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }))
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"{Service.BaseUrl}/hop?url={Uri.EscapeDataString(Service.BaseUrl + "/work?cpu_ms=1")}");
            request.Headers.Add("traceparent", $"00-{HopTraceId}-{HopRootSpan}-01");
            using var response = http.Send(request);
            Assert.True(response.IsSuccessStatusCode);
        }

        Completed = TracekitCli.CompletedRequests(Service);
        TracekitCli.Stop(collector);
        CollectorStderr = collector.Stderr;
        Result = TracekitCli.Convert(Path.Combine(Out, "run"), Warnings);
        string cctf = Path.Combine(Out, "run", "cctf");
        Invocations = TracekitCli.ReadJsonl(Path.Combine(cctf, "invocations.jsonl"));
        Metrics = TracekitCli.ReadJsonl(Path.Combine(cctf, "dotnet_metrics.jsonl"));
        Events = TracekitCli.ReadJsonl(Path.Combine(cctf, "dotnet_events.jsonl"));
        Audit = File.ReadAllText(Path.Combine(cctf, "audit_report.md"));
    }

    public string Out { get; }
    public ExampleService Service { get; }
    public string CaptureDirectory { get; }
    public JsonElement Load { get; }
    public string HopTraceId { get; }
    public string HopRootSpan { get; }
    public Dictionary<string, long> Completed { get; }
    public string CollectorStderr { get; }
    public CctfResult Result { get; }
    public List<string> Warnings { get; } = [];
    public List<JsonElement> Invocations { get; }
    public List<JsonElement> Metrics { get; }
    public List<JsonElement> Events { get; }
    public string Audit { get; }

    /// <summary>EventPipe's own drop count for the service, from the decoded capture's health rows.</summary>
    public long EventsLost => Metrics.Where(m => m.Long("pid") == Service.Pid && m.Str("instrument") == "eventpipe.events_lost")
        .Select(m => (long)m.GetProperty("value").GetDouble()).DefaultIfEmpty(0).Max();

    public void Dispose()
    {
        Service.Dispose();
        try { Directory.Delete(Out, recursive: true); } catch (IOException) { }
    }
}
