using System.Diagnostics;
using System.Text;

namespace Tracekit.EventPipe.Tests;

/// <summary>The capture against real processes: the example service, a non-.NET process, a missing PID.</summary>
public sealed class CaptureTests(ITestOutputHelper output) : IDisposable
{
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly CaptureIdentity Identity = new("run1", "node1", "edge");

    private readonly string _streams = Path.Combine(Path.GetTempPath(), "tracekit-eventpipe-tests-" + Guid.NewGuid().ToString("N"), "streams");
    private readonly List<CaptureMessage> _messages = [];

    private EventPipeCapture NewCapture(CaptureOptions options) => new(options, Identity, m => { lock (_messages) _messages.Add(m); });

    [Fact]
    public async Task Capture_ExplicitPid_StreamsNettraceWithPrivateModesAndSidecar()
    {
        using var service = ExampleService.Start();
        using var capture = NewCapture(new CaptureOptions { StreamsDirectory = _streams, Pids = [service.Pid], AnchorIntervalNs = 500_000_000 });
        capture.Start();
        Assert.True(Waits.Until(() => capture.Targets.Any(t => t.State == TargetState.Attached), TimeSpan.FromSeconds(30)), Describe(capture));
        using (var http = new HttpClient())
        {
            for (int i = 0; i < 5; i++) (await http.GetAsync(service.BaseUrl + "/work?cpu_ms=1")).EnsureSuccessStatusCode();
        }
        // One periodic anchor (every 500 ms) between the attach and the end.
        string attached = capture.Targets.Single().Directory!;
        Assert.True(Waits.Until(() => CaptureMetadata.ReadAnchors(attached, out _).Count >= 2, TimeSpan.FromSeconds(30)), "no periodic anchor");
        capture.Stop();

        var target = Assert.Single(capture.Targets);
        Assert.Equal(TargetState.Detached, target.State);
        string dir = target.Directory!;
        Assert.Matches($"^dotnet-{service.Pid}-[1-9][0-9]*$", Path.GetFileName(dir));
        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(dir));
        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(_streams));
        foreach (var name in new[] { CaptureMetadata.TraceFileName, CaptureMetadata.FileName, CaptureMetadata.AnchorsFileName })
            Assert.Equal(PrivateFile, File.GetUnixFileMode(Path.Combine(dir, name)));

        byte[] trace = File.ReadAllBytes(Path.Combine(dir, CaptureMetadata.TraceFileName));
        Assert.Equal("Nettrace", Encoding.ASCII.GetString(trace, 0, 8)); // the stream's magic: raw EventPipe, not re-encoded
        Assert.Equal(1, trace[^1]); // a session ended by the runtime closes with the end-of-stream tag
        Assert.Equal(trace.Length, target.BytesWritten);

        var meta = CaptureMetadata.TryRead(dir, out var problem);
        Assert.True(meta is not null, problem);
        Assert.Equal((service.Pid, "tracekit-example-service", "detached", "collector stopped"), (meta.Pid, meta.Module, meta.Status, meta.EndReason));
        Assert.Equal(("run1", "node1", "edge", "meter", 10), (meta.RunId, meta.NodeId, meta.Stage, meta.MetricsSource, meta.RuntimeMajorVersion));
        Assert.Equal(trace.Length, meta.BytesWritten);
        Assert.Contains("--urls", meta.Command, StringComparison.Ordinal);
        Assert.True(meta.End!.Value.MonotonicNs > meta.Attach.MonotonicNs);
        var anchors = CaptureMetadata.ReadAnchors(dir, out int bad);
        Assert.Equal(0, bad);
        Assert.True(anchors.Count >= 3, $"{anchors.Count} anchors: attach, periodic, end expected");
        Assert.Equal(meta.Attach.MonotonicNs, anchors[0].MonotonicNs);
        Assert.All(anchors, a => Assert.InRange(a.OffsetNs, meta.Attach.OffsetNs - 1_000_000_000, meta.Attach.OffsetNs + 1_000_000_000));
    }

    [Fact]
    public void Capture_TargetKilled_DetachedAsProcessExitedOtherTargetStaysAttached()
    {
        using var victim = ExampleService.Start();
        using var survivor = ExampleService.Start();
        using var capture = NewCapture(new CaptureOptions { StreamsDirectory = _streams, Pids = [victim.Pid, survivor.Pid], GcEvents = false });
        capture.Start();
        Assert.True(Waits.Until(() => capture.Targets.Count(t => t.State == TargetState.Attached) == 2, TimeSpan.FromSeconds(30)), Describe(capture));
        victim.Kill();
        Assert.True(Waits.Until(() => capture.Targets.Any(t => t.Pid == victim.Pid && t.State == TargetState.Detached), TimeSpan.FromSeconds(15)), Describe(capture));
        // One more discovery scan after the detach: the dead PID must not be attached again.
        long scans = capture.ScansCompleted;
        Assert.True(Waits.Until(() => capture.ScansCompleted >= scans + 2, TimeSpan.FromSeconds(30)), "no further discovery scan");
        Assert.Equal(TargetState.Attached, capture.Targets.Single(t => t.Pid == survivor.Pid).State);
        Assert.Single(capture.Targets, t => t.Pid == victim.Pid);
        var dead = capture.Targets.Single(t => t.Pid == victim.Pid);
        capture.Stop();
        var meta = CaptureMetadata.TryRead(dead.Directory!, out _)!;
        Assert.Equal(("detached", "process exited"), (meta.Status, meta.EndReason));
        lock (_messages) Assert.Contains(_messages, m => m.Pid == victim.Pid && m.Text.Contains("process exited", StringComparison.Ordinal));
    }

    [Fact]
    public void Capture_DiscoveryMode_AttachesProcessStartedLaterAndSkipsUnselected()
    {
        int wanted = -1;
        using var capture = NewCapture(new CaptureOptions
        {
            StreamsDirectory = _streams,
            // Only the service this test starts: the machine runs other .NET processes (builds, test hosts).
            Follow = pid => pid == Volatile.Read(ref wanted),
            DiscoveryIntervalNs = 200_000_000,
            GcEvents = false,
        });
        capture.Start();
        Assert.Empty(capture.Targets);
        using var service = ExampleService.Start();
        Volatile.Write(ref wanted, service.Pid);
        Assert.True(Waits.Until(() => capture.Targets.Any(t => t.Pid == service.Pid && t.State == TargetState.Attached), TimeSpan.FromSeconds(30)),
            "the capture did not find the service started after it: " + Describe(capture));
        Assert.All(capture.Targets, t => Assert.Equal(service.Pid, t.Pid));
        service.Kill();
        Assert.True(Waits.Until(() => capture.Targets.Single().State == TargetState.Detached, TimeSpan.FromSeconds(15)), Describe(capture));
        capture.Stop();
    }

    [Fact]
    public void Capture_NotDotnetAndMissingPids_OneClearWarningEachAndNoFolder()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep") { ArgumentList = { "30" } })!;
        int missing = FindUnusedPid();
        using (var capture = NewCapture(new CaptureOptions { StreamsDirectory = _streams, Pids = [sleeper.Id, missing], DiscoveryIntervalNs = 200_000_000 }))
        {
            capture.Start();
            // Several scans: still one message per PID.
            Assert.True(Waits.Until(() => capture.ScansCompleted >= 4, TimeSpan.FromSeconds(30)), "fewer than four discovery scans");
            Assert.Empty(capture.Targets);
            capture.Stop();
        }
        sleeper.Kill();
        Assert.False(Directory.Exists(_streams) && Directory.EnumerateDirectories(_streams).Any());
        lock (_messages)
        {
            foreach (var m in _messages) output.WriteLine(m.ToString());
            var notDotnet = Assert.Single(_messages, m => m.Pid == sleeper.Id);
            Assert.Equal(CaptureMessageLevel.Warning, notDotnet.Level);
            Assert.Contains("no diagnostics socket", notDotnet.Text, StringComparison.Ordinal);
            Assert.Contains("no such process", Assert.Single(_messages, m => m.Pid == missing).Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Capture_DiagnosticsDisabledTarget_ReportedAsNotObservable()
    {
        using var hidden = ExampleService.Start(new Dictionary<string, string> { ["DOTNET_EnableDiagnostics"] = "0" });
        using (var capture = NewCapture(new CaptureOptions { StreamsDirectory = _streams, Pids = [hidden.Pid] }))
        {
            capture.Start();
            capture.Stop();
        }
        lock (_messages)
        {
            var m = Assert.Single(_messages);
            output.WriteLine(m.ToString());
            Assert.Contains("DOTNET_EnableDiagnostics=0", m.Text, StringComparison.Ordinal);
        }
    }

    private static string Describe(EventPipeCapture capture) => string.Join("; ", capture.Targets);

    private static int FindUnusedPid()
    {
        for (int pid = 4_000_000; pid > 1000; pid -= 7919)
        {
            if (!Directory.Exists($"/proc/{pid}")) return pid;
        }
        throw new InvalidOperationException("no unused pid found");
    }

    public void Dispose()
    {
        lock (_messages) foreach (var m in _messages) output.WriteLine(m.ToString());
        try { Directory.Delete(Path.GetDirectoryName(_streams)!, recursive: true); } catch (IOException) { }
    }
}
