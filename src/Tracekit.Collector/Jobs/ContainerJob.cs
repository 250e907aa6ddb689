using System.Text.Json;
using Tracekit.Collector.Recording;
using Tracekit.Collector.Sampling;
using Tracekit.Format;
using Tracekit.Procfs;

namespace Tracekit.Collector.Jobs;

/// <summary>
/// `tracekit run --container NAME -- CMD…`: the job is the container NAME that CMD starts (`docker run --name NAME
/// …`), not CMD, which is only the engine's client: the container runs in a cgroup the engine's daemon creates, so
/// CMD's process tree holds none of its CPU. The container is looked for on every tick from CMD's start, sampled
/// from the tick it is found, and the invocation spans its life: it starts on that tick and ends on the tick its
/// cgroup is gone (or when sampling ends). CPU is the cgroup's usage on the last tick it was read (what ran after it,
/// less than one --interval, is not seen: the engine removes the cgroup with the container), peak memory the
/// largest of the cgroup's peak and current memory. A container that never ran gets an invocation with no CPU and
/// no memory, and the reason, written with the container's id and image to <c>container.json</c> beside the ring.
/// </summary>
internal sealed class ContainerJob : IDisposable
{
    public const string SidecarName = "container.json";

    private readonly ContainerTarget _target;
    private readonly string _name;
    private bool _seen;
    private bool _ended;
    private ulong _startNs;
    private ulong _lastReadNs;
    private long _cpuNs;
    private long _peakBytes;
    private int? _firstPid;

    public ContainerJob(string name, JobSettings settings)
    {
        _name = name;
        _target = ContainerTarget.Expect(name, CgroupMounts.Discover(), settings.NodeId, settings.Stage, lookEveryNs: 0);
    }

    /// <summary>Whether sampling must go on after CMD exited: the container runs (`docker run -d`) and has not ended.</summary>
    public bool KeepsRunning => _seen && !_ended;

    /// <summary>One tick. The first tick that finds the container writes the invocation's start.</summary>
    public void Tick(ulong nowNs, bool forked, ProcessTracker tracker, RecordSink sink, InvocationStart template)
    {
        if (_ended) return;
        bool wasRunning = _target.IsRunning;
        var reading = _target.Tick(nowNs, forked, tracker, sink);
        if (reading is not { } r)
        {
            if (wasRunning) _ended = true;
            return;
        }
        if (!_seen)
        {
            _seen = true;
            _startNs = nowNs;
            _firstPid = FirstMember();
            sink.Write(template with
            {
                TimestampNs = nowNs,
                ModuleId = _target.Identity.Image,
                InstanceId = _target.Identity.Id,
                Pid = _firstPid,
                PidStartTicks = _firstPid is { } pid && ProcessIdentity.TryReadStartTicks(pid, out var ticks) ? (long)ticks : null,
                Cgroup = _target.CgroupPath,
            });
        }
        _lastReadNs = nowNs;
        if (r.CpuUsageNs >= 0) _cpuNs = r.CpuUsageNs;
        _peakBytes = Math.Max(_peakBytes, Math.Max(r.MemoryPeakBytes, r.MemoryCurrentBytes));
    }

    /// <summary>
    /// Writes the invocation's end (and, for a container never seen, its start at CMD's start) and the sidecar.
    /// <paramref name="status"/> is CMD's exit status: `docker run` returns the container's.
    /// </summary>
    public void Finish(ulong clientStartNs, ulong clientEndNs, int status, InvocationStart template, InvocationEnd end, string streamDirectory, RecordSink sink, TextWriter log)
    {
        string? reason = null;
        if (!_seen)
        {
            reason = _target.Identity.Id.Length > 0
                ? $"container '{_name}' ({_target.Identity.Engine} id {_target.Identity.Id}) was created but never seen running: it did not start, or it ended within one --interval"
                : $"no container named '{_name}' appeared while the command ran: Docker's and Podman's files were searched on every tick (does the command pass --name {_name}?)";
            log.WriteLine($"tracekit run: {reason}. The invocation has no CPU or memory: the command's own would be the engine client's.");
            sink.Write(template with { TimestampNs = clientStartNs });
        }
        ulong endNs = !_seen ? clientEndNs : _ended ? _lastReadNs : Math.Max(_lastReadNs, _startNs);
        sink.Write(end with
        {
            TimestampNs = endNs,
            Status = status,
            CpuTimeNs = _seen ? _cpuNs : null,
            PeakRssKb = _seen ? _peakBytes / 1024 : null,
        });
        WriteSidecar(Path.Join(streamDirectory, SidecarName), reason);
    }

    private int? FirstMember()
    {
        if (_target.CgroupPath is null) return null;
        var mounts = CgroupMounts.Discover();
        foreach (var mount in mounts.Mounts)
        {
            try
            {
                string procs = Path.Join(mount.MountPoint, _target.CgroupPath, "cgroup.procs");
                if (!File.Exists(procs)) continue;
                foreach (var line in File.ReadLines(procs))
                    if (int.TryParse(line, out int pid) && pid > 0) return pid;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return null;
    }

    private void WriteSidecar(string path, string? reason)
    {
        var identity = _target.Identity;
        using var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = RunLayout.PrivateFileMode });
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("name", _name);
        w.WriteBoolean("seen_running", _seen);
        if (identity.Id.Length > 0) w.WriteString("id", identity.Id); else w.WriteNull("id");
        if (identity.Image is { } image) w.WriteString("image", image); else w.WriteNull("image");
        w.WriteString("engine", identity.Engine);
        if (reason is not null) w.WriteString("reason", reason); else w.WriteNull("reason");
        w.WriteEndObject();
    }

    public void Dispose() => _target.Dispose();
}
