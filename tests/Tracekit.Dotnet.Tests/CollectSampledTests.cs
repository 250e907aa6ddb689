using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tracekit.Convert.Tests.Support;

namespace Tracekit.Dotnet.Tests;

/// <summary>
/// `--dotnet-request-sample` and `--dotnet-sources requests-lean` against real example services, the AOT collector
/// and the converter (docs/dotnet-tracing.md, "Sampled requests" and "Lean requests").
/// </summary>
public sealed class CollectSampledTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("tracekit-dotnet-sampled-").FullName;

    /// <remarks>The service's process is sampled too (--pid), and the same run is converted to OpenDC request tasks.</remarks>
    [Fact]
    public void Collect_Sampled10PercentOver20000Requests_KeptShareWithinOnePointAndKeptInvocationsWhole()
    {
        const int Requests = 20_000;
        using var service = ExampleService.Start(TracekitCli.CountingService);
        using var collector = TracekitCli.Collect(_out, "--dotnet", service.Pid.ToString(), "--dotnet-sources", "requests", "--dotnet-request-sample", "0.1",
            "--pid", service.Pid.ToString(CultureInfo.InvariantCulture));
        TracekitCli.WaitForCapture(_out, service.Pid, collector);
        double cpuBeforeSeconds = ProcessCpuSeconds(service.Pid);
        // No traceparent: every request is a root, sampled by its own trace id.
        Send(service.BaseUrl + "/work?cpu_ms=0", Requests, connections: 8);
        double loadCpuSeconds = ProcessCpuSeconds(service.Pid) - cpuBeforeSeconds;
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

        // /stats (read above) is a request too: every kept request of the service is a task.
        int keptRequests = TracekitCli.ReadJsonl(Path.Combine(cctf, "invocations.jsonl")).Count(r => r.Long("pid") == service.Pid);
        AssertSampledRequestTasks(Path.Combine(_out, "run"), keptRequests, loadCpuSeconds);
    }

    /// <summary>
    /// `opendc --tasks invocations` of a run sampled at 10%: as sampled, one task per kept request; scaled, ten. The
    /// tasks carry the CPU the report says the serving process gave its requests, which the kernel's counter of the
    /// service over the load bounds (docs/opendc.md, "Requests" and "Sampled requests").
    /// </summary>
    private void AssertSampledRequestTasks(string runDirectory, int keptRequests, double loadCpuSeconds)
    {
        var (asSampled, asSampledReport) = ConvertOpendc(runDirectory, "as-sampled");
        var (scaled, scaledReport) = ConvertOpendc(runDirectory, "scale");
        var (requests, attributedSeconds, inFlightSeconds) = RequestFigures(asSampledReport);
        double asSampledCpu = asSampled.Sum(t => t.CpuSeconds), scaledCpu = scaled.Sum(t => t.CpuSeconds);
        output.WriteLine($"kept {keptRequests}; tasks as sampled {asSampled.Count} ({asSampledCpu:0.###} CPU-s), scaled {scaled.Count} ({scaledCpu:0.###} CPU-s); " +
            $"report: {requests} requests got {attributedSeconds} of {inFlightSeconds} CPU-s; service CPU over the load {loadCpuSeconds:0.###} s");

        Assert.Equal(keptRequests, asSampled.Count);
        Assert.Equal(keptRequests, requests);
        Assert.Equal(keptRequests * 10, scaled.Count);
        Assert.Contains($"{keptRequests} tasks came from sampled requests; written as sampled", asSampledReport, StringComparison.Ordinal);
        Assert.Contains($"{keptRequests} tasks came from sampled requests; scaled", scaledReport, StringComparison.Ordinal);
        Assert.True(asSampled.Count(t => t.CpuSeconds > 0) >= 0.99 * keptRequests, $"{asSampled.Count(t => t.CpuSeconds > 0)} of {keptRequests} tasks have CPU");
        // Each kept request stands for ten: the scaled tasks hold the CPU the report gave the requests.
        Assert.InRange(scaledCpu, 0.98 * attributedSeconds, 1.02 * attributedSeconds);
        Assert.InRange(asSampledCpu, 0.098 * attributedSeconds, 0.102 * attributedSeconds);
        Assert.InRange(attributedSeconds, 0.5 * loadCpuSeconds, Math.Min(inFlightSeconds, 1.2 * loadCpuSeconds) + 0.01);
    }

    /// <summary>The CLI in process, then validate-opendc --strict; the tasks read back with DuckDB, each with its CPU-seconds.</summary>
    private static (List<(string Name, double CpuSeconds)> Tasks, string Report) ConvertOpendc(string runDirectory, string sampledTasks)
    {
        string dir = Path.Combine(runDirectory, "opendc-" + sampledTasks);
        var (code, console) = CapturingConsole.Run(["opendc", "--run-dir", runDirectory, "--out", dir, "--tasks", "invocations", "--sampled-tasks", sampledTasks]);
        Assert.True(code == 0, console.ErrorText + console.OutText);
        var (valid, validation) = CapturingConsole.Run(["validate-opendc", dir, "--strict"]);
        Assert.True(valid == 0, validation.ErrorText + validation.OutText);
        var mhzMsById = OpendcTables.Fragments(dir).GroupBy(f => f.Id).ToDictionary(g => g.Key, g => g.Sum(f => f.Usage * f.Duration));
        var tasks = OpendcTables.Tasks(dir)
            .Select(t => (t.Name, mhzMsById.GetValueOrDefault(t.Id) / 1000 / (t.Capacity / t.CpuCount)))
            .ToList();
        return (tasks, File.ReadAllText(Path.Combine(dir, "conversion_report.md")));
    }

    /// <summary>The report's request line: requests, CPU-s they got, CPU-s of the intervals with one in flight.</summary>
    private static (long Requests, double AttributedSeconds, double InFlightSeconds) RequestFigures(string report)
    {
        var m = Regex.Match(report, @"- requests: node '[^']*': ([\d,]+) request task\(s\) got ([\d.]+) CPU-s of the ([\d.]+) CPU-s");
        Assert.True(m.Success, report);
        return (long.Parse(m.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture),
            double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>utime + stime of a process from /proc/PID/stat (the kernel's counter), in seconds.</summary>
    private static double ProcessCpuSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields 14 and 15 of the line; after "pid (comm) " the state is field 3, at index 0.
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0; // USER_HZ, 100 on Linux
    }

    [Fact]
    public void Collect_SampledCallRouteAcrossTwoServices_BothKeepOrDropTheSameTraces()
    {
        using var front = ExampleService.Start();
        using var back = ExampleService.Start();
        using var collector = TracekitCli.Collect(_out, "--dotnet", front.Pid.ToString(), back.Pid.ToString(), "--dotnet-sources", "requests",
            "--dotnet-request-sample", "0.5", "--pid", front.Pid.ToString(CultureInfo.InvariantCulture));
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

        // As OpenDC tasks, front's HttpClient span is part of its /hop request: a kept trace is two tasks (front's
        // /hop, back's /work), not three.
        var (tasks, report) = ConvertOpendc(Path.Combine(_out, "run"), "as-sampled");
        var tasksPerTrace = tasks.GroupBy(t => t.Name).Where(g => frontServer.Contains(g.Key)).Select(g => g.Count()).ToList();
        output.WriteLine($"{tasks.Count} tasks; tasks per kept trace: {string.Join(", ", tasksPerTrace.Distinct())}");
        Assert.Equal(frontServer.Count, tasksPerTrace.Count);
        Assert.All(tasksPerTrace, n => Assert.Equal(2, n));
        Assert.Contains($"{frontClient.Count:N0} invocation(s) nested in a request of their process", report, StringComparison.Ordinal);
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
