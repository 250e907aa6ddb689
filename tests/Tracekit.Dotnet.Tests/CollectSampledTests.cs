using System.Text.Json;

namespace Tracekit.Dotnet.Tests;

/// <summary>
/// `--dotnet-request-sample` and `--dotnet-sources requests-lean` against real example services, the AOT collector
/// and the converter (docs/dotnet-tracing.md, "Sampled requests" and "Lean requests").
/// </summary>
public sealed class CollectSampledTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("tracekit-dotnet-sampled-").FullName;

    [Fact]
    public void Collect_Sampled10PercentOver20000Requests_KeptShareWithinOnePointAndKeptInvocationsWhole()
    {
        const int Requests = 20_000;
        using var service = ExampleService.Start(TracekitCli.CountingService);
        using var collector = TracekitCli.Collect(_out, "--dotnet", service.Pid.ToString(), "--dotnet-sources", "requests", "--dotnet-request-sample", "0.1");
        TracekitCli.WaitForCapture(_out, service.Pid, collector);
        // No traceparent: every request is a root, sampled by its own trace id.
        Send(service.BaseUrl + "/work?cpu_ms=0", Requests, connections: 8);
        long completed = TracekitCli.CompletedRequests(service)["/work"];
        TracekitCli.Stop(collector);

        var warnings = new List<string>();
        TracekitCli.Convert(Path.Combine(_out, "run"), warnings);
        string cctf = Path.Combine(_out, "run", "cctf");
        var kept = TracekitCli.ReadJsonl(Path.Combine(cctf, "invocations.jsonl")).Where(r => r.Long("pid") == service.Pid && r.Str("path") == "/work").ToList();
        string audit = File.ReadAllText(Path.Combine(cctf, "audit_report.md"));
        double share = (double)kept.Count / completed;
        output.WriteLine($"completed {completed}, kept {kept.Count}: {share:P2}");
        output.WriteLine(audit[audit.IndexOf("## Invocations", StringComparison.Ordinal)..]);

        Assert.Equal(Requests, completed);
        Assert.InRange(share, 0.09, 0.11);
        Assert.All(kept, r =>
        {
            Assert.Matches("^[0-9a-f]{32}$", r.Str("trace_id"));
            Assert.Matches("^[0-9a-f]{16}$", r.Str("span_id"));
            Assert.Equal(200, r.Long("status"));
            Assert.Equal("GET", r.Str("method"));
            Assert.NotNull(r.Long("ts_start"));
            Assert.InRange(r.Long("ts_end")!.Value, r.Long("ts_start")!.Value, r.Long("ts_start")!.Value + 10_000);
            Assert.Equal(0.1, r.GetProperty("sample_ratio").GetDouble());
        });
        Assert.Contains("requests sampled at 10% by trace id in the target", audit, StringComparison.Ordinal);
        Assert.Contains("Sampled requests: some invocations were recorded by a sampling source", audit, StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_SampledCallRouteAcrossTwoServices_BothKeepOrDropTheSameTraces()
    {
        using var front = ExampleService.Start();
        using var back = ExampleService.Start();
        using var collector = TracekitCli.Collect(_out, "--dotnet", front.Pid.ToString(), back.Pid.ToString(), "--dotnet-sources", "requests",
            "--dotnet-request-sample", "0.5");
        TracekitCli.WaitForCapture(_out, front.Pid, collector);
        TracekitCli.WaitForCapture(_out, back.Pid, collector);
        // The call route: front's /hop calls back's /work with HttpClient, which propagates the trace and its sampled flag.
        Send(front.BaseUrl + "/hop?url=" + Uri.EscapeDataString(back.BaseUrl + "/work?cpu_ms=0"), 400, connections: 4);
        TracekitCli.Stop(collector);

        TracekitCli.Convert(Path.Combine(_out, "run"));
        var rows = TracekitCli.ReadJsonl(Path.Combine(_out, "run", "cctf", "invocations.jsonl"));
        var frontServer = TraceIds(rows.Where(r => r.Long("pid") == front.Pid && r.Str("path") == "/hop"));
        var frontClient = TraceIds(rows.Where(r => r.Long("pid") == front.Pid && r.Str("path")?.StartsWith("http://", StringComparison.Ordinal) == true));
        var backServer = TraceIds(rows.Where(r => r.Long("pid") == back.Pid && r.Str("path") == "/work"));
        output.WriteLine($"front kept {frontServer.Count} of 400 traces, its client spans {frontClient.Count}, back kept {backServer.Count}");

        Assert.InRange(frontServer.Count, 120, 280);
        Assert.Equal(frontServer, backServer);
        Assert.Equal(frontServer, frontClient);
    }

    [Fact]
    public void Collect_LeanUnderWrk_OneInvocationPerRequestWithMethodPathAndTimes()
    {
        Assert.True(File.Exists("/usr/bin/wrk") || File.Exists("/usr/local/bin/wrk"), "wrk is not installed (apt-get install wrk)");
        using var service = ExampleService.Start(TracekitCli.CountingService);
        using var collector = TracekitCli.Collect(_out, "--dotnet", service.Pid.ToString(), "--dotnet-sources", "requests-lean");
        TracekitCli.WaitForCapture(_out, service.Pid, collector);
        using var wrk = Spawned.Start("wrk", ["-t1", "-c4", "-d3s", service.BaseUrl + "/work?cpu_ms=0"]);
        Assert.Equal(0, wrk.WaitForExit(TimeSpan.FromSeconds(60)));
        long wrkCompleted = long.Parse(System.Text.RegularExpressions.Regex.Match(wrk.Stdout, @"(\d+) requests in").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        long completed = TracekitCli.CompletedRequests(service)["/work"];
        TracekitCli.Stop(collector);

        TracekitCli.Convert(Path.Combine(_out, "run"));
        string cctf = Path.Combine(_out, "run", "cctf");
        var lean = TracekitCli.ReadJsonl(Path.Combine(cctf, "invocations.jsonl")).Where(r => r.Long("pid") == service.Pid && r.Str("path") == "/work").ToList();
        long lost = TracekitCli.ReadJsonl(Path.Combine(cctf, "dotnet_metrics.jsonl"))
            .Where(m => m.Long("pid") == service.Pid && m.Str("instrument") == "eventpipe.events_lost")
            .Select(m => (long)m.GetProperty("value").GetDouble()).DefaultIfEmpty(0).Max();
        output.WriteLine($"wrk {wrkCompleted}, service {completed}, lean invocations {lean.Count}, EventPipe lost {lost}");

        // wrk does not count the requests in flight at its deadline (up to -c of them); the service does.
        Assert.InRange(completed - wrkCompleted, 0, 4);
        Assert.InRange(lean.Count, completed - lost, completed);
        Assert.Equal(lean.Count, lean.Select(r => r.Str("span_id")).Distinct().Count());
        Assert.All(lean, r =>
        {
            Assert.Equal("GET", r.Str("method"));
            Assert.Equal("", r.Str("trace_id"));
            Assert.Equal(JsonValueKind.Null, r.GetProperty("status").ValueKind);
            Assert.InRange(r.Long("ts_end")!.Value, r.Long("ts_start")!.Value, r.Long("ts_start")!.Value + 10_000);
        });
    }

    private static HashSet<string> TraceIds(IEnumerable<JsonElement> rows) => rows.Select(r => r.Str("trace_id")!).ToHashSet(StringComparer.Ordinal);

    /// <summary>Exactly <paramref name="count"/> GETs over keep-alive connections, with no traceparent header (propagation off).</summary>
    private static void Send(string url, int count, int connections)
    {
        using var http = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null, MaxConnectionsPerServer = connections });
        int next = 0;
        var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                using var response = await http.GetAsync(url);
                response.EnsureSuccessStatusCode();
            }
        })).ToArray();
        Task.WaitAll(workers);
    }

    public void Dispose()
    {
        try { Directory.Delete(_out, recursive: true); } catch (IOException) { }
    }
}
