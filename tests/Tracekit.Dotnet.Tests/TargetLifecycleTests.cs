using System.Diagnostics;
using Tracekit.Dotnet.Tests.Support;
using Tracekit.Format;

namespace Tracekit.Dotnet.Tests;

/// <summary>Targets that die, cannot be reached, or never were .NET: the tracer reports them and keeps going.</summary>
public sealed class TargetLifecycleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Trace_TargetKilledMidSession_OtherTargetKeepsBeingTraced()
    {
        using var victim = ExampleService.Start();
        using var survivor = ExampleService.Start();
        var sink = new MemorySink();
        var messages = new List<TracerMessage>();
        using var tracer = new DotnetTracer(new DotnetTracerOptions { Pids = [victim.Pid, survivor.Pid], GcEvents = false, Metrics = false },
            sink, m => { lock (messages) messages.Add(m); });
        tracer.Start();
        Assert.True(Waits.Until(() => tracer.Targets.Count(t => t.State == TargetState.Attached) == 2, TimeSpan.FromSeconds(30)));
        Thread.Sleep(500);

        victim.Kill();
        Assert.True(Waits.Until(() => tracer.Targets.Any(t => t.Pid == victim.Pid && t.State == TargetState.Detached), TimeSpan.FromSeconds(15)),
            "the killed target was not detached: " + string.Join("; ", tracer.Targets));

        using var http = new HttpClient();
        for (int i = 0; i < 5; i++) (await http.GetAsync(survivor.BaseUrl + "/work")).EnsureSuccessStatusCode();
        Thread.Sleep(1000);
        Assert.Equal(TargetState.Attached, tracer.Targets.Single(t => t.Pid == survivor.Pid).State);
        // Events of idle target threads can wait in the target's EventPipe buffers; stopping drains them.
        tracer.Stop();
        Assert.Equal(5, sink.Starts.Count(s => s.Pid == survivor.Pid && s.Path == "/work"));
        lock (messages)
        {
            foreach (var m in messages) output.WriteLine(m.ToString());
            Assert.Contains(messages, m => m.Pid == victim.Pid && m.Text.Contains("process exited", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Trace_NotDotnetAndMissingPids_ClearMessagesAndNoSession()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep") { ArgumentList = { "30" } })!;
        int missingPid = FindUnusedPid();
        var messages = new List<TracerMessage>();
        using (var tracer = new DotnetTracer(new DotnetTracerOptions { Pids = [sleeper.Id, missingPid] }, new MemorySink(), m => { lock (messages) messages.Add(m); }))
        {
            tracer.Start();
            Assert.Empty(tracer.Targets);
            tracer.Stop();
        }
        sleeper.Kill();
        lock (messages)
        {
            foreach (var m in messages) output.WriteLine(m.ToString());
            var notDotnet = Assert.Single(messages, m => m.Pid == sleeper.Id);
            Assert.Equal(TracerMessageLevel.Warning, notDotnet.Level);
            Assert.Contains("no diagnostics socket", notDotnet.Text, StringComparison.Ordinal);
            Assert.Contains("no such process", Assert.Single(messages, m => m.Pid == missingPid).Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Trace_DiagnosticsDisabledTarget_ReportedAsNotObservable()
    {
        using var hidden = ExampleService.Start(new Dictionary<string, string> { ["DOTNET_EnableDiagnostics"] = "0" });
        var messages = new List<TracerMessage>();
        using var tracer = new DotnetTracer(new DotnetTracerOptions { Pids = [hidden.Pid] }, new MemorySink(), m => { lock (messages) messages.Add(m); });
        tracer.Start();
        tracer.Stop();
        lock (messages)
        {
            var m = Assert.Single(messages);
            output.WriteLine(m.ToString());
            Assert.Contains("DOTNET_EnableDiagnostics=0", m.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Trace_DiscoveryMode_AttachesToProcessStartedLaterAndSkipsUnselected()
    {
        var sink = new MemorySink();
        int wanted = -1;
        using var tracer = new DotnetTracer(new DotnetTracerOptions
        {
            // Only the service this test starts: the machine runs other .NET processes (builds, test hosts).
            Follow = pid => pid == Volatile.Read(ref wanted),
            DiscoveryIntervalNs = 200_000_000,
            GcEvents = false,
        }, sink);
        tracer.Start();
        Assert.Empty(tracer.Targets);
        using var service = ExampleService.Start();
        Volatile.Write(ref wanted, service.Pid);
        Assert.True(Waits.Until(() => tracer.Targets.Any(t => t.Pid == service.Pid && t.State == TargetState.Attached), TimeSpan.FromSeconds(30)),
            "the tracer did not find the service started after it");
        Assert.All(tracer.Targets, t => Assert.Equal(service.Pid, t.Pid));
        service.Kill();
        Assert.True(Waits.Until(() => tracer.Targets.Single().State == TargetState.Detached, TimeSpan.FromSeconds(15)));
        tracer.Stop();
    }

    private static int FindUnusedPid()
    {
        for (int pid = 4_000_000; pid > 1000; pid -= 7919)
        {
            if (!Directory.Exists($"/proc/{pid}")) return pid;
        }
        throw new InvalidOperationException("no unused pid found");
    }
}
