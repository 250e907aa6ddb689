using Microsoft.Diagnostics.NETCore.Client;

namespace Tracekit.Dotnet;

/// <summary>
/// Follows .NET processes over the diagnostics IPC channel: finds them (DiagnosticsClient.GetPublishedProcesses,
/// i.e. the dotnet-diagnostic-* sockets in TMPDIR), attaches an EventPipe session to each one selected, notices
/// exits, and writes runtime metrics, GC events and request invocations to the sink. A target that cannot be
/// attached to is reported through the log callback and never stops the tracer or the other targets.
/// </summary>
/// <remarks>
/// Threads: one discovery thread (scans, status) and one event thread per attached process. The sink is called
/// from the event threads concurrently.
/// </remarks>
public sealed class DotnetTracer : IDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly DotnetTracerOptions _options;
    private readonly IRecordSink _sink;
    private readonly Action<TracerMessage> _log;
    private readonly Dictionary<int, ProcessSession> _sessions = new();
    /// <summary>Sessions that ended, kept for <see cref="Targets"/>; a PID listed here is attached again if it reappears.</summary>
    private readonly List<TargetStatus> _finished = new();
    private readonly HashSet<int> _reportedMissing = new();
    private readonly object _gate = new();
    private readonly ManualResetEventSlim _stop = new();
    private readonly int _selfPid = Environment.ProcessId;
    private Thread? _discovery;

    public DotnetTracer(DotnetTracerOptions options, IRecordSink sink, Action<TracerMessage>? log = null)
    {
        if (!options.Metrics && !options.GcEvents && !options.Requests)
            throw new ArgumentException("nothing to trace: metrics, GC events and requests are all off", nameof(options));
        _options = options;
        _sink = sink;
        _log = log ?? (_ => { });
    }

    /// <summary>Every process followed so far: attached ones first, then ended ones.</summary>
    public IReadOnlyList<TargetStatus> Targets
    {
        get
        {
            lock (_gate)
            {
                var list = _sessions.Values.Select(s => s.Status()).ToList();
                list.AddRange(_finished);
                return list;
            }
        }
    }

    /// <summary>Events EventPipe dropped in every target so far (buffer full in the target).</summary>
    public long EventsLost => Targets.Sum(t => t.EventsLost);

    /// <summary>Scans once right away (so explicit PIDs are attached before this returns) and starts the discovery thread.</summary>
    public void Start()
    {
        if (_discovery is not null) throw new InvalidOperationException("already started");
        Scan();
        _discovery = new Thread(DiscoveryLoop) { IsBackground = true, Name = "tracekit-dotnet-discovery" };
        _discovery.Start();
    }

    /// <summary>Ends every session (each drains what its target buffered) and the discovery thread.</summary>
    public void Stop()
    {
        _stop.Set();
        _discovery?.Join();
        List<ProcessSession> sessions;
        lock (_gate) sessions = _sessions.Values.ToList();
        foreach (var s in sessions) s.RequestStop();
        foreach (var s in sessions)
        {
            if (!s.Join(StopTimeout))
                _log(new TracerMessage(TracerMessageLevel.Warning, s.Pid, $"its session did not end within {StopTimeout.TotalSeconds:0} s; abandoned"));
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
            try
            {
                Scan();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _log(new TracerMessage(TracerMessageLevel.Warning, 0, $"cannot list .NET processes: {e.Message}"));
            }
        }
    }

    /// <summary>One discovery step: reap ended sessions, attach to new targets.</summary>
    private void Scan()
    {
        Reap();
        long nowNs = Monotonic.NowNs();
        lock (_gate)
        {
            foreach (var s in _sessions.Values) s.CheckMeterProbe(nowNs);
        }
        if (_options.Pids.Count > 0)
        {
            var published = DiagnosticsClient.GetPublishedProcesses().ToHashSet();
            foreach (int pid in _options.Pids)
            {
                if (published.Contains(pid)) Attach(pid);
                else if (_reportedMissing.Add(pid) && !IsFollowed(pid))
                    _log(new TracerMessage(TracerMessageLevel.Warning, pid, Directory.Exists($"/proc/{pid}")
                        ? "not observable: no diagnostics socket (not a .NET process, DOTNET_EnableDiagnostics=0, a native-AOT build without EventSourceSupport=true, or another TMPDIR)"
                        : "not observable: no such process"));
            }
            return;
        }
        foreach (int pid in DiagnosticsClient.GetPublishedProcesses())
        {
            if (pid == _selfPid || IsFollowed(pid) || _reportedMissing.Contains(pid)) continue;
            if (!Directory.Exists($"/proc/{pid}")) continue; // a socket left behind by a killed process
            if (_options.Follow is { } follow && !follow(pid)) continue;
            Attach(pid);
        }
    }

    private bool IsFollowed(int pid)
    {
        lock (_gate) return _sessions.ContainsKey(pid);
    }

    private void Attach(int pid)
    {
        ProcessSession session;
        lock (_gate)
        {
            if (_sessions.ContainsKey(pid)) return;
            session = new ProcessSession(pid, _options, _sink, _log);
            _sessions.Add(pid, session);
        }
        _reportedMissing.Remove(pid);
        session.Start();
    }

    /// <summary>Moves ended sessions out. A failed PID is remembered so that it is not retried every scan.</summary>
    private void Reap()
    {
        lock (_gate)
        {
            foreach (var (pid, session) in _sessions.ToList())
            {
                if (!session.IsFinished || !session.Join(TimeSpan.Zero)) continue;
                _sessions.Remove(pid);
                _finished.Add(session.Status());
                if (session.State == TargetState.Failed) _reportedMissing.Add(pid);
            }
        }
    }
}
