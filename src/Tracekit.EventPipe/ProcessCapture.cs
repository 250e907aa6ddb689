using Microsoft.Diagnostics.NETCore.Client;
using Tracekit.Procfs;

namespace Tracekit.EventPipe;

/// <summary>
/// One followed process: an EventPipe session whose raw nettrace bytes are copied, on a thread of their own, into
/// <c>trace.nettrace</c> until the process exits or the capture stops. Nothing is parsed here (the collector must
/// stay free of TraceEvent); the converter decodes the file. The discovery thread only reads the byte count
/// (Volatile) and asks for a stop.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class ProcessCapture
{
    /// <summary>One read of the session's socket; reused for the whole capture.</summary>
    private const int CopyBufferSizeInBytes = 64 * 1024;

    private readonly CaptureOptions _options;
    private readonly CaptureIdentity _identity;
    private readonly Action<CaptureMessage> _log;
    private readonly string _clientId = Guid.NewGuid().ToString("N");
    private readonly Thread _thread;
    private readonly object _sessionGate = new();
    private EventPipeSession? _session;
    private CaptureMetadata _metadata;
    private volatile bool _stopRequested;
    private volatile int _state = (int)TargetState.Attaching;
    private volatile string? _error;
    private long _bytesWritten;
    private string? _directory;

    public ProcessCapture(int pid, CaptureOptions options, CaptureIdentity identity, Action<CaptureMessage> log)
    {
        Pid = pid;
        _options = options;
        _identity = identity;
        _log = log;
        var args = TargetIdentity.CommandLine(pid);
        Module = TargetIdentity.Module(pid, args);
        ulong? startTicks = ProcessIdentity.StartTicks(pid);
        int? runtime = TargetIdentity.RuntimeMajorVersion(pid);
        bool eventCounters = CaptureProviders.UseEventCounters(runtime, options.ForceEventCounters);
        _metadata = new CaptureMetadata
        {
            Pid = pid,
            PidStartTicks = startTicks,
            Module = Module,
            Command = string.Join(' ', args),
            RuntimeMajorVersion = runtime,
            MetricsSource = options.Metrics ? (eventCounters ? "eventcounters" : "meter") : null,
            MetricsIntervalSeconds = options.MetricsIntervalSeconds,
            RequestSampleRatio = options.Requests ? options.RequestSampleRatio : 1.0,
            RunId = identity.RunId,
            NodeId = identity.NodeId,
            Stage = identity.Stage,
        };
        _thread = new Thread(Run) { IsBackground = true, Name = $"tracekit-dotnet-{pid}" };
    }

    public int Pid { get; }
    public string Module { get; }
    public TargetState State => (TargetState)_state;
    public bool IsFinished => State is TargetState.Detached or TargetState.Failed;
    public string? Directory => Volatile.Read(ref _directory);

    public TargetStatus Status() => new(Pid, Module, State, Volatile.Read(ref _bytesWritten), Directory, _error);

    public void Start() => _thread.Start();

    /// <summary>Asks the runtime to end the session; the copy thread then takes what the runtime flushes and ends.</summary>
    public void RequestStop()
    {
        _stopRequested = true;
        StopSession(dispose: false);
    }

    /// <summary>Waits for the copy thread; false if it is still running after <paramref name="timeout"/>.</summary>
    public bool Join(TimeSpan timeout) => !_thread.IsAlive || _thread.Join(timeout);

    /// <summary>Last resort after a stop timed out: closing the socket ends the copy thread's read.</summary>
    public void Abandon() => StopSession(dispose: true);

    /// <summary>Appends a clock pair to the capture's anchors (discovery thread, while attached).</summary>
    public void WriteAnchor()
    {
        if (State != TargetState.Attached || Directory is not { } dir) return;
        try
        {
            CaptureMetadata.AppendAnchor(dir, ClockPair.Read());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log(new CaptureMessage(CaptureMessageLevel.Warning, Pid, $"cannot append a clock anchor: {e.Message}"));
        }
    }

    private void StopSession(bool dispose)
    {
        EventPipeSession? session;
        lock (_sessionGate) session = _session;
        if (session is null) return;
        try
        {
            if (dispose) session.Dispose();
            else session.Stop();
        }
        catch (Exception e) when (AttachErrors.IsAttachFailure(e) || e is ObjectDisposedException or InvalidOperationException or EndOfStreamException)
        {
            // The process is gone or the session already ended: the copy thread sees the end of its stream.
        }
    }

    private void Run()
    {
        var attach = ClockPair.Read();
        _metadata = _metadata with { Attach = attach };
        EventPipeSession session;
        try
        {
            var client = new DiagnosticsClient(Pid);
            session = client.StartEventPipeSession(CaptureSession.Build(_options, _clientId, _metadata.MetricsSource == "eventcounters"));
        }
        catch (Exception e) when (AttachErrors.IsAttachFailure(e))
        {
            Fail(AttachErrors.Describe(Pid, e));
            RecordFailure();
            return;
        }

        string? failure = null;
        try
        {
            string dir = CreateFolder();
            Volatile.Write(ref _directory, dir);
            _metadata = _metadata with { Status = "attached" };
            _metadata.WriteTo(dir);
            CaptureMetadata.AppendAnchor(dir, attach);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failure = $"cannot write its capture folder: {e.Message}";
        }
        if (failure is not null)
        {
            session.Dispose();
            Fail(failure);
            return;
        }

        lock (_sessionGate) _session = session;
        _state = (int)TargetState.Attached;
        _log(new CaptureMessage(CaptureMessageLevel.Info, Pid, $"attached to {Module} ({_metadata.MetricsSource ?? "no metrics"})"));
        // A stop requested while the session was starting would have found no session to stop.
        if (_stopRequested) StopSession(dispose: false);

        string? streamError = Copy(session, Path.Combine(_directory!, CaptureMetadata.TraceFileName));

        lock (_sessionGate) _session = null;
        session.Dispose();
        string reason = streamError is not null && !_stopRequested && System.IO.Directory.Exists($"/proc/{Pid}")
            ? $"the event stream broke: {streamError}"
            : _stopRequested ? "collector stopped" : "process exited";
        _metadata = _metadata with { Status = "detached", EndReason = reason, End = ClockPair.Read(), BytesWritten = Volatile.Read(ref _bytesWritten) };
        try
        {
            _metadata.WriteTo(_directory!);
            CaptureMetadata.AppendAnchor(_directory!, _metadata.End!.Value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log(new CaptureMessage(CaptureMessageLevel.Warning, Pid, $"cannot update {CaptureMetadata.FileName}: {e.Message}"));
        }
        _state = (int)TargetState.Detached;
        _log(new CaptureMessage(streamError is null ? CaptureMessageLevel.Info : CaptureMessageLevel.Warning, Pid,
            $"detached ({reason}); {Volatile.Read(ref _bytesWritten)} bytes of events"));
    }

    /// <summary>Copies the session's stream to the file until it ends; returns why, when it ended otherwise than cleanly.</summary>
    private string? Copy(EventPipeSession session, string path)
    {
        var buffer = new byte[CopyBufferSizeInBytes];
        try
        {
            // No FileStream buffer: each read goes to the kernel at once, so a killed collector loses nothing it read.
            using var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                BufferSize = 0,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            var stream = session.EventStream;
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                file.Write(buffer, 0, n);
                // Volatile: the discovery thread reads the count for status lines.
                Volatile.Write(ref _bytesWritten, _bytesWritten + n);
            }
            return null;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    private string CreateFolder()
    {
        string dir = Path.Combine(_options.StreamsDirectory, CaptureMetadata.FolderName(Pid, _metadata.PidStartTicks));
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        System.IO.Directory.CreateDirectory(_options.StreamsDirectory, Private);
        System.IO.Directory.CreateDirectory(dir, Private);
        // CreateDirectory leaves an existing folder's mode alone; a run folder must never be readable by others.
        File.SetUnixFileMode(dir, Private);
        return dir;
    }

    /// <summary>A failed attach leaves a folder with only the sidecar, so the converter's audit names the target and why.</summary>
    private void RecordFailure()
    {
        try
        {
            string dir = CreateFolder();
            Volatile.Write(ref _directory, dir);
            (_metadata with { Status = "failed", Error = _error }).WriteTo(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The warning line already went out; without a folder the audit just does not list it.
        }
    }

    private void Fail(string message)
    {
        _error = message;
        _state = (int)TargetState.Failed;
        _log(new CaptureMessage(CaptureMessageLevel.Warning, Pid, message));
    }
}

/// <summary>The run's names a capture's sidecar carries, so the converter gives its records the collector's node and stage.</summary>
public sealed record CaptureIdentity(string RunId, string NodeId, string Stage);
