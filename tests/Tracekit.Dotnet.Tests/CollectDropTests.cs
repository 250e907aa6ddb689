using System.Text.RegularExpressions;

namespace Tracekit.Dotnet.Tests;

/// <summary>EventPipe itself drops events (its buffer in the target fills while the collector does not read); the drops are counted.</summary>
public sealed class CollectDropTests(ITestOutputHelper output) : IDisposable
{
    private const int SigStop = 19;
    private const int SigCont = 18;

    private readonly string _out = Directory.CreateTempSubdirectory("tracekit-dotnet-drop-").FullName;

    [Fact]
    public void Collect_CollectorStoppedUnderLoad_DropsReportedAndInvocationsAtMostCompletedMinusDrops()
    {
        Assert.True(File.Exists("/usr/bin/wrk") || File.Exists("/usr/local/bin/wrk"), "wrk is not installed (apt-get install wrk)");
        using var service = ExampleService.Start(TracekitCli.CountingService);
        // Requests only: every event in the session is then one request's, so each event EventPipe drops is one
        // invocation missing, and the relation below can be exact. 1 MiB is the smallest buffer the runtime accepts.
        using var collector = TracekitCli.Collect(_out, "--dotnet", service.Pid.ToString(), "--dotnet-sources", "requests", "--dotnet-buffer", "1");
        TracekitCli.WaitForCapture(_out, service.Pid, collector);
        using var wrk = Spawned.Start("wrk", ["-t1", "-c8", "-d6s", service.BaseUrl + "/work?cpu_ms=0"]);
        Thread.Sleep(1000);
        // A stopped collector stops reading the session's socket: once the socket is full the runtime cannot flush,
        // its 1 MiB fills within a fraction of a second at wrk's rate, and every further event is dropped.
        collector.Signal(SigStop);
        Thread.Sleep(3000);
        collector.Signal(SigCont);
        Assert.Equal(0, wrk.WaitForExit(TimeSpan.FromSeconds(60)));
        output.WriteLine(wrk.Stdout);
        long completed = TracekitCli.CompletedRequests(service)["/work"];
        TracekitCli.Stop(collector);
        output.WriteLine(collector.Stderr);

        var warnings = new List<string>();
        TracekitCli.Convert(Path.Combine(_out, "run"), warnings);
        foreach (var w in warnings) output.WriteLine(w);
        string cctf = Path.Combine(_out, "run", "cctf");
        var server = TracekitCli.ReadJsonl(Path.Combine(cctf, "invocations.jsonl")).Where(r => r.Long("pid") == service.Pid).ToList();
        long work = server.Count(r => r.Str("path") == "/work");
        long lost = TracekitCli.ReadJsonl(Path.Combine(cctf, "dotnet_metrics.jsonl"))
            .Where(m => m.Long("pid") == service.Pid && m.Str("instrument") == "eventpipe.events_lost")
            .Select(m => (long)m.GetProperty("value").GetDouble()).DefaultIfEmpty(0).Max();
        output.WriteLine($"service completed /work: {completed}; server invocations: {server.Count} (/work {work}); EventPipe lost: {lost}; unreported: {completed + 1 - lost - server.Count}");

        string audit = File.ReadAllText(Path.Combine(cctf, "audit_report.md"));
        output.WriteLine(audit[audit.IndexOf("## .NET captures", StringComparison.Ordinal)..]);
        Assert.True(lost > 0, $"EventPipe dropped nothing: {completed} requests in 6 s did not fill a 1 MiB buffer while the collector was stopped");
        // The /stats request is traced too (the counter leaves it out), so every request of the capture is /work's
        // completed ones plus that one. Each reported drop is a request event (requests are the only source), so
        // the invocations are at most that less the drops. Not exactly: the count is of gaps in each thread's
        // sequence numbers, and a gap is seen only when an event or sequence point of that thread follows it. Drops
        // before a thread's first written event (TraceEvent starts a new thread at its first sequence number) and
        // after its last one (no sequence point at the session's end) stay unseen: 0 to 15 % of the completed
        // requests were unreported in five runs here (docs/dotnet-tracing.md, "EventPipe drops").
        Assert.InRange(server.Count, 1, completed + 1 - lost);
        Assert.All(server, s => Assert.Contains(s.Str("path"), new[] { "/work", "/stats" }));
        Assert.Contains($"EventPipe lost events, all captures: {lost}.", audit, StringComparison.Ordinal);
        Assert.Contains(warnings, w => Regex.IsMatch(w, $@"EventPipe dropped {lost} event\(s\)"));
    }

    public void Dispose()
    {
        try { Directory.Delete(_out, recursive: true); } catch (IOException) { }
    }
}
