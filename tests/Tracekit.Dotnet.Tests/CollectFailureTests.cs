using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Tracekit.Dotnet.Tests;

/// <summary>Targets that die, are not .NET, or do not exist; a collector killed mid-capture; wrk as the client.</summary>
public sealed class CollectFailureTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("tracekit-dotnet-fail-").FullName;

    [Fact]
    public void Collect_TargetKilledMidSession_CollectorKeepsSamplingAndStreamDecodes()
    {
        using var service = ExampleService.Start();
        using var collector = TracekitCli.Collect(_out, "--dotnet", service.Pid.ToString(), "--pid", service.Pid.ToString());
        string capture = TracekitCli.WaitForCapture(_out, service.Pid, collector);
        using var load = TracekitCli.Start("load", "--url", service.BaseUrl + "/work?cpu_ms=1", "--rate", "100", "--duration", "4s", "--timeout", "1s");
        // Killed once the target has flushed requests into the capture, so that part must be decoded.
        LiveCapture.AssertReaches(capture, s => s.Starts.Any(r => r.Path == "/work"), "a /work request");
        service.Kill();
        long killedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Thread.Sleep(3000);
        Assert.False(collector.HasExited, "the collector ended with its target: " + collector.Stderr);
        TracekitCli.Stop(collector);
        output.WriteLine(collector.Stderr);
        Assert.Contains($"dotnet pid {service.Pid}: detached (process exited)", collector.Stderr, StringComparison.Ordinal);

        var warnings = new List<string>();
        TracekitCli.Convert(Path.Combine(_out, "run"), warnings);
        string cctf = Path.Combine(_out, "run", "cctf");
        // Host sampling went on after the kill.
        Assert.Contains(TracekitCli.ReadJsonl(Path.Combine(cctf, "host_metrics.jsonl")), r => r.Long("ts_ms") > killedMs + 1000);
        // The stream stays readable: what the target flushed before it died is decoded (events still in its
        // EventPipe buffers die with it), and the audit says how the capture ended.
        foreach (var w in warnings) output.WriteLine(w);
        var invocations = TracekitCli.ReadJsonl(Path.Combine(cctf, "invocations.jsonl"));
        int server = invocations.Count(r => r.Long("pid") == service.Pid && r.Str("path") == "/work");
        output.WriteLine($"server invocations before the kill: {server}");
        Assert.InRange(server, 1, 400);
        Assert.Contains("detached (process exited)", File.ReadAllText(Path.Combine(cctf, "audit_report.md")), StringComparison.Ordinal);
        Assert.DoesNotContain("not observable", collector.Stderr, StringComparison.Ordinal); // a detached PID is not "missing"
    }

    [Fact]
    public void Collect_NotDotnetAndMissingPids_ClearMessagesAndOtherSourcesRun()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep") { ArgumentList = { "30" } })!;
        int missing = 4_000_000 - 17;
        while (Directory.Exists($"/proc/{missing}")) missing -= 7919;
        using var collector = TracekitCli.Collect(_out, "--duration", "2s", "--dotnet", sleeper.Id.ToString(), missing.ToString());
        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(30)));
        sleeper.Kill();
        output.WriteLine(collector.Stderr);
        Assert.Contains($"tracekit: warning: dotnet pid {sleeper.Id}: not observable: no diagnostics socket (not a .NET process", collector.Stderr, StringComparison.Ordinal);
        Assert.Contains($"tracekit: warning: dotnet pid {missing}: not observable: no such process", collector.Stderr, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(collector.Stderr, $"dotnet pid {sleeper.Id}:"));
        Assert.True(File.Exists(Path.Combine(_out, "run", "node", "ring-000000.tkr")), "the collector's own ring");
    }

    [Fact]
    public void Collect_BadDotnetArgument_ArgumentErrorNamesIt()
    {
        using var collector = TracekitCli.Collect(_out, "--dotnet", "all", "12");
        Assert.Equal(2, collector.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Contains("--dotnet takes 'all' or PIDs, not both", collector.Stderr, StringComparison.Ordinal);
        using var other = TracekitCli.Collect(_out, "--dotnet", "x1");
        Assert.Equal(2, other.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Contains("--dotnet 'x1' is neither 'all' nor a process id", other.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_BadDotnetSources_ArgumentErrorNamesIt()
    {
        using var unknown = TracekitCli.Collect(_out, "--dotnet", "--dotnet-sources", "metrics,heap");
        Assert.Equal(2, unknown.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Contains("--dotnet-sources 'heap' is not one of metrics, gc, requests", unknown.Stderr, StringComparison.Ordinal);
        using var alone = TracekitCli.Collect(_out, "--dotnet-sources", "gc");
        Assert.Equal(2, alone.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Contains("--dotnet-sources needs --dotnet", alone.Stderr, StringComparison.Ordinal);
    }

    /// <summary>`--dotnet-sources metrics`: runtime metrics are captured, requests are not (no invocation rows).</summary>
    [Fact]
    public void Collect_MetricsSourceOnly_MetricsButNoInvocations()
    {
        using var service = ExampleService.Start();
        using var collector = TracekitCli.Collect(_out, "--dotnet", service.Pid.ToString(), "--dotnet-sources", "metrics");
        TracekitCli.WaitForCapture(_out, service.Pid, collector);
        using (var load = TracekitCli.Start("load", "--url", service.BaseUrl + "/work?cpu_ms=1", "--rate", "50", "--duration", "3s", "--timeout", "1s"))
        {
            Assert.Equal(0, load.WaitForExit(TimeSpan.FromSeconds(30)));
        }
        TracekitCli.Stop(collector);

        TracekitCli.Convert(Path.Combine(_out, "run"));
        string cctf = Path.Combine(_out, "run", "cctf");
        var metrics = TracekitCli.ReadJsonl(Path.Combine(cctf, "dotnet_metrics.jsonl"));
        Assert.Contains(metrics, r => r.Long("pid") == service.Pid && r.Str("meter") == "System.Runtime");
        string invocations = Path.Combine(cctf, "invocations.jsonl");
        Assert.DoesNotContain(File.Exists(invocations) ? TracekitCli.ReadJsonl(invocations) : [], r => r.Long("pid") == service.Pid);
    }

    [Fact]
    public void Collect_CollectorKilledDuringLoad_ConverterDecodesTheWholePartAndReportsTheCut()
    {
        using var service = ExampleService.Start();
        using var collector = TracekitCli.Collect(_out, "--dotnet", service.Pid.ToString());
        string capture = TracekitCli.WaitForCapture(_out, service.Pid, collector);
        using var load = TracekitCli.Start("load", "--url", service.BaseUrl + "/work?resp_kb=16", "--rate", "200", "--duration", "4s");
        // Killed mid-load, once requests have reached the file.
        LiveCapture.AssertReaches(capture, s => s.Starts.Any(r => r.Path == "/work"), "a /work request");
        collector.Signal(TracekitCli.SigKill);
        collector.WaitForExit(TimeSpan.FromSeconds(10));
        Assert.Equal(0, load.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal("attached", CaptureMetadata.TryRead(capture, out _)!.Status); // the end was never written

        var warnings = new List<string>();
        TracekitCli.Convert(Path.Combine(_out, "run"), warnings);
        foreach (var w in warnings) output.WriteLine(w);
        var invocations = TracekitCli.ReadJsonl(Path.Combine(_out, "run", "cctf", "invocations.jsonl"));
        int server = invocations.Count(r => r.Long("pid") == service.Pid);
        output.WriteLine($"server invocations decoded from the cut capture: {server}");
        // EventPipe flushes its buffers about once a second: what reached the file before the kill is decoded.
        Assert.True(server > 0, "nothing decoded from the cut capture");
        Assert.Contains(warnings, w => w.Contains("cut short", StringComparison.Ordinal) || w.Contains("without its end marker", StringComparison.Ordinal));
    }

    [Fact]
    public void Collect_WrkAgainstService_InvocationsEqualRequestsTheServiceCompleted()
    {
        Assert.True(File.Exists("/usr/bin/wrk") || File.Exists("/usr/local/bin/wrk"), "wrk is not installed (apt-get install wrk)");
        using var service = ExampleService.Start(TracekitCli.CountingService);
        using var collector = TracekitCli.Collect(_out, "--dotnet", service.Pid.ToString());
        TracekitCli.WaitForCapture(_out, service.Pid, collector);
        using var wrk = Spawned.Start("wrk", ["-t1", "-c4", "-d3s", service.BaseUrl + "/work?cpu_ms=0"]);
        Assert.Equal(0, wrk.WaitForExit(TimeSpan.FromSeconds(60)));
        output.WriteLine(wrk.Stdout);
        long wrkCompleted = long.Parse(Regex.Match(wrk.Stdout, @"(\d+) requests in").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        // wrk stops counting at its deadline: responses to the (at most 4) requests in flight then are not in its
        // count but are completed by the service. The service's own count is exact.
        long completed = TracekitCli.CompletedRequests(service)["/work"];
        TracekitCli.Stop(collector);
        TracekitCli.Convert(Path.Combine(_out, "run"));
        var cctf = Path.Combine(_out, "run", "cctf");
        long invocations = TracekitCli.ReadJsonl(Path.Combine(cctf, "invocations.jsonl")).Count(r => r.Long("pid") == service.Pid && r.Str("path") == "/work");
        long lost = TracekitCli.ReadJsonl(Path.Combine(cctf, "dotnet_metrics.jsonl")).Where(m => m.Str("instrument") == "eventpipe.events_lost")
            .Select(m => (long)m.GetProperty("value").GetDouble()).DefaultIfEmpty(0).Max();
        output.WriteLine($"wrk completed {wrkCompleted}, service completed {completed}, invocations {invocations}, EventPipe lost {lost}");
        Assert.InRange(completed, wrkCompleted, wrkCompleted + 4);
        Assert.InRange(invocations, completed - lost, completed);
    }

    public void Dispose()
    {
        try { Directory.Delete(_out, recursive: true); } catch (IOException) { }
    }
}
