using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Tracekit.Dotnet.Parsing;

namespace Tracekit.Dotnet;

/// <summary>
/// One followed process: an EventPipe session read on a thread of its own until the process exits or the tracer
/// stops. Everything that reads the stream runs on that thread; the tracer's discovery thread only reads the
/// counters (published with Volatile/Interlocked) and asks for a stop.
/// </summary>
internal sealed partial class ProcessSession
{
    /// <summary>How long a process may take to list its meters before the tracer assumes it has no System.Runtime meter.</summary>
    private const long MeterProbeTimeoutNs = 15_000_000_000;

    private readonly DotnetTracerOptions _options;
    private readonly IRecordSink _sink;
    private readonly Action<TracerMessage> _log;
    private readonly string _clientId = Guid.NewGuid().ToString("N");
    private readonly Thread _thread;
    private readonly object _sessionGate = new();
    private EventPipeSession? _session;
    private volatile bool _stopRequested;
    private volatile int _state = (int)TargetState.Attaching;
    private volatile string? _error;

    // Published by the event thread, read by the discovery thread (Volatile/Interlocked at each site).
    private long _eventsRead;
    private long _eventsLost;
    private long _invocations;
    private long _metricValues;
    private long _gcEvents;
    private long _undecodable;
    private volatile bool _usingEventCounters;

    private long _sessionStartNs;
    private volatile bool _sawMeterEnumeration;
    private volatile bool _switchToEventCounters;

    public ProcessSession(int pid, DotnetTracerOptions options, IRecordSink sink, Action<TracerMessage> log)
    {
        Pid = pid;
        _options = options;
        _sink = sink;
        _log = log;
        Module = TargetIdentity.Module(pid);
        PidStartTicks = TargetIdentity.StartTicks(pid);
        _usingEventCounters = options.ForceEventCounters;
        _thread = new Thread(Run) { IsBackground = true, Name = $"tracekit-dotnet-{pid}" };
    }

    public int Pid { get; }
    public string Module { get; }
    public ulong? PidStartTicks { get; }
    public TargetState State => (TargetState)_state;
    public bool IsFinished => State is TargetState.Detached or TargetState.Failed;
    public long EventsLost => Volatile.Read(ref _eventsLost);
    public long EventsRead => Volatile.Read(ref _eventsRead);

    public TargetStatus Status() => new(Pid, Module, State, EventsRead, EventsLost,
        Volatile.Read(ref _invocations), Volatile.Read(ref _metricValues), Volatile.Read(ref _gcEvents), _usingEventCounters, _error);

    public void Start() => _thread.Start();

    /// <summary>Asks the runtime to end the session; the event thread then drains what is buffered and exits.</summary>
    public void RequestStop()
    {
        _stopRequested = true;
        StopSession();
    }

    /// <summary>Waits for the event thread; false if it is still running after <paramref name="timeout"/>.</summary>
    public bool Join(TimeSpan timeout) => !_thread.IsAlive || _thread.Join(timeout);

    /// <summary>
    /// Called by the discovery thread: a process that never listed its meters has a runtime without the
    /// System.Runtime meter (or without MetricsEventSource); restart its session with EventCounters.
    /// </summary>
    public void CheckMeterProbe(long nowNs)
    {
        if (!_options.Metrics || _usingEventCounters || _sawMeterEnumeration || State != TargetState.Attached) return;
        if (nowNs - Volatile.Read(ref _sessionStartNs) < MeterProbeTimeoutNs) return;
        SwitchToEventCounters("it listed no System.Runtime meter");
    }

    private void SwitchToEventCounters(string why)
    {
        if (_switchToEventCounters) return;
        _switchToEventCounters = true;
        _log(new TracerMessage(TracerMessageLevel.Info, Pid, $"{why}; reading runtime metrics from EventCounters instead"));
        // Stopping from the event thread could deadlock: the runtime flushes the session into the stream this
        // thread must keep reading. The stop goes to the pool.
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.StopSession(), this, preferLocal: false);
    }

    private void StopSession()
    {
        EventPipeSession? session;
        lock (_sessionGate) session = _session;
        if (session is null) return;
        try
        {
            session.Stop();
        }
        catch (Exception e) when (AttachErrors.IsAttachFailure(e) || e is ObjectDisposedException or InvalidOperationException)
        {
            // The process is gone or the session already ended: the event thread sees the end of its stream.
        }
    }

    private void Run()
    {
        var client = new DiagnosticsClient(Pid);
        bool first = true;
        while (!_stopRequested)
        {
            bool eventCounters = _usingEventCounters || _switchToEventCounters;
            _switchToEventCounters = false;
            _usingEventCounters = eventCounters;
            EventPipeSession session;
            try
            {
                session = client.StartEventPipeSession(Providers.Build(_options, _clientId, eventCounters));
            }
            catch (Exception e) when (AttachErrors.IsAttachFailure(e))
            {
                Fail(AttachErrors.Describe(Pid, e));
                return;
            }
            lock (_sessionGate) _session = session;
            Volatile.Write(ref _sessionStartNs, Monotonic.NowNs());
            _state = (int)TargetState.Attached;
            if (first) _log(new TracerMessage(TracerMessageLevel.Info, Pid, $"attached to {Module}"));
            first = false;
            // A stop requested while the session was starting would have found no session to stop.
            if (_stopRequested) StopSession();

            string? streamError = ReadStream(session);

            lock (_sessionGate) _session = null;
            session.Dispose();
            if (streamError is not null && !_stopRequested && Directory.Exists($"/proc/{Pid}"))
                _log(new TracerMessage(TracerMessageLevel.Warning, Pid, $"the event stream broke: {streamError}"));
            if (!_switchToEventCounters) break;
        }
        long lost = EventsLost;
        _state = (int)TargetState.Detached;
        string why = _stopRequested ? "tracer stopped" : "process exited";
        _log(new TracerMessage(lost > 0 ? TracerMessageLevel.Warning : TracerMessageLevel.Info, Pid,
            $"detached ({why}); {EventsRead} events read, {lost} dropped by EventPipe"));
    }

    private void Fail(string message)
    {
        _error = message;
        _state = (int)TargetState.Failed;
        _log(new TracerMessage(TracerMessageLevel.Warning, Pid, message));
    }

    /// <summary>Reads the session until it ends; returns why, when it ended otherwise than cleanly.</summary>
    private string? ReadStream(EventPipeSession session)
    {
        try
        {
            using var source = new EventPipeEventSource(session.EventStream);
            var reader = new EventReader(this, source);
            reader.Subscribe();
            source.Process();
            reader.Finish();
            return null;
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or ObjectDisposedException or FormatException or InvalidOperationException)
        {
            return e.Message;
        }
    }
}
