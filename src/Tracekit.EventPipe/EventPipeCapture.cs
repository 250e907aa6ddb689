using Microsoft.Diagnostics.NETCore.Client;

namespace Tracekit.EventPipe;

/// <summary>
/// Follows .NET processes over the diagnostics IPC channel: finds them (their diagnostics sockets, <see cref="DiagnosticSockets"/>,
/// i.e. the dotnet-diagnostic-* sockets in TMPDIR), opens an EventPipe session in each one selected and streams its
/// raw nettrace bytes into the run, notices exits. A target that cannot be attached to is one warning line and never
/// stops the capture or the other targets.
/// </summary>
/// <remarks>Threads: one discovery thread (scans, clock anchors) and one copy thread per attached process.</remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // file modes, /proc, the diagnostics sockets
public sealed class EventPipeCapture : IDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly CaptureOptions _options;
    private readonly CaptureIdentity _identity;
    private readonly Action<CaptureMessage> _log;
    private readonly Dictionary<int, ProcessCapture> _captures = new();
    /// <summary>Captures that ended, kept for <see cref="Targets"/>; a PID listed here is attached again if it reappears.</summary>
    private readonly List<TargetStatus> _finished = new();
    private readonly HashSet<int> _reportedMissing = new();
    private readonly object _gate = new();
    private readonly ManualResetEventSlim _stop = new();
    private readonly int _selfPid = Environment.ProcessId;
    private Thread? _discovery;
    private DiagnosticSockets? _sockets; // used by Start, then by the discovery thread it starts: never concurrently
    private long _nextAnchorNs;
    private bool _stopped;

    private long _scansCompleted;

    public EventPipeCapture(CaptureOptions options, CaptureIdentity identity, Action<CaptureMessage>? log = null)
    {
        options.Validate();
        _options = options;
        _identity = identity;
        _log = log ?? (_ => { });
    }

    /// <summary>Every process followed so far: attached ones first, then ended ones.</summary>
    public IReadOnlyList<TargetStatus> Targets
    {
        get
        {
            lock (_gate)
            {
                var list = _captures.Values.Select(s => s.Status()).ToList();
                list.AddRange(_finished);
                return list;
            }
        }
    }

    /// <summary>Scans once right away (so explicit PIDs are attaching before this returns) and starts the discovery thread.</summary>
    public void Start()
    {
        if (_discovery is not null) throw new InvalidOperationException("already started");
        ScanSafely();
        _nextAnchorNs = Tracekit.Native.Libc.ClockGetTimeNs(Tracekit.Native.ClockId.Monotonic) + _options.AnchorIntervalNs;
        _discovery = new Thread(DiscoveryLoop) { IsBackground = true, Name = "tracekit-dotnet-discovery" };
        _discovery.Start();
    }

    /// <summary>Ends every session (the runtime flushes what it buffered into each file) and the discovery thread.</summary>
    public void Stop()
    {
        if (_stopped) return;
        _stopped = true;
        _stop.Set();
        _discovery?.Join();
        _sockets?.Dispose(); // the discovery thread, its only user, has ended
        List<ProcessCapture> captures;
        lock (_gate) captures = _captures.Values.ToList();
        foreach (var c in captures) c.RequestStop();
        foreach (var c in captures)
        {
            if (c.Join(StopTimeout)) continue;
            _log(new CaptureMessage(CaptureMessageLevel.Warning, c.Pid, $"its session did not end within {StopTimeout.TotalSeconds:0} s; closed"));
            c.Abandon();
            c.Join(StopTimeout);
        }
        Reap();
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }

    private void DiscoveryLoop()
    {
        var wait = TimeSpan.FromTicks(Math.Max(1, _options.DiscoveryIntervalNs / 100));
        while (!_stop.Wait(wait))
        {
            ScanSafely();
            long nowNs = Tracekit.Native.Libc.ClockGetTimeNs(Tracekit.Native.ClockId.Monotonic);
            if (nowNs < _nextAnchorNs) continue;
            _nextAnchorNs = nowNs + _options.AnchorIntervalNs;
            List<ProcessCapture> captures;
            lock (_gate) captures = _captures.Values.ToList();
            foreach (var c in captures) c.WriteAnchor();
        }
    }

    /// <summary>Discovery scans done (the first in <see cref="Start"/>): lets tests wait for "one more scan" instead of a time.</summary>
    internal long ScansCompleted => Interlocked.Read(ref _scansCompleted);

    private void ScanSafely()
    {
        try
        {
            Scan();
            Interlocked.Increment(ref _scansCompleted);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log(new CaptureMessage(CaptureMessageLevel.Warning, 0, $"cannot list .NET processes: {e.Message}"));
        }
    }

    /// <summary>One discovery step: reap ended captures, attach to new targets.</summary>
    private void Scan()
    {
        Reap();
        if (_options.Pids.Count > 0)
        {
            // Every named PID attached or gone: nothing to look for, so the IPC folder is not listed.
            if (_options.Pids.All(pid => IsFollowed(pid) || HasEnded(pid))) return;
            var published = Sockets.Scan();
            foreach (int pid in _options.Pids)
            {
                if (IsFollowed(pid) || HasEnded(pid)) continue;
                if (published.Contains(pid) && Directory.Exists($"/proc/{pid}")) Attach(pid);
                else if (_reportedMissing.Add(pid))
                    _log(new CaptureMessage(CaptureMessageLevel.Warning, pid, Directory.Exists($"/proc/{pid}")
                        ? "not observable: no diagnostics socket (not a .NET process, DOTNET_EnableDiagnostics=0, a native-AOT build without EventSourceSupport=true, or another TMPDIR)"
                        : "not observable: no such process"));
            }
            return;
        }
        // Only live processes: a killed one leaves its socket behind. Copied: Attach may run while it is reused.
        foreach (int pid in Sockets.Scan().ToArray())
        {
            if (pid == _selfPid || IsFollowed(pid) || _reportedMissing.Contains(pid)) continue;
            if (_options.Follow is { } follow && !follow(pid)) continue;
            Attach(pid);
        }
    }

    /// <summary>
    /// An explicit PID whose capture ended (its process exited) or whose attach failed: not reported as missing, not
    /// re-attached, so a failure (e.g. permission denied) is one warning and not one per scan, as in discovery.
    /// </summary>
    private bool HasEnded(int pid)
    {
        lock (_gate) return _finished.Exists(t => t.Pid == pid && t.State is TargetState.Detached or TargetState.Failed);
    }

    private DiagnosticSockets Sockets => _sockets ??= new DiagnosticSockets(containers: true);

    private bool IsFollowed(int pid)
    {
        lock (_gate) return _captures.ContainsKey(pid);
    }

    private void Attach(int pid)
    {
        ProcessCapture capture;
        lock (_gate)
        {
            if (_captures.ContainsKey(pid)) return;
            capture = new ProcessCapture(pid, _options, _identity, _log);
            _captures.Add(pid, capture);
        }
        _reportedMissing.Remove(pid);
        capture.Start();
    }

    /// <summary>Moves ended captures out. A failed PID is remembered so that it is not retried every scan.</summary>
    private void Reap()
    {
        lock (_gate)
        {
            foreach (var (pid, capture) in _captures.ToList())
            {
                if (!capture.IsFinished || !capture.Join(TimeSpan.Zero)) continue;
                _captures.Remove(pid);
                _finished.Add(capture.Status());
                if (capture.State == TargetState.Failed) _reportedMissing.Add(pid);
            }
        }
    }
}
