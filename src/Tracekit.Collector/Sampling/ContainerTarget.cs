using Tracekit.Collector.Recording;
using Tracekit.Format;
using Tracekit.Procfs;
using CgroupReading = Tracekit.Procfs.CgroupSample;

namespace Tracekit.Collector.Sampling;

/// <summary>
/// One `--container`: the container's cgroup while it runs, looked for again while it does not. A container that
/// starts after the collector, or stops and starts again (the same name, the same or a new id), is followed; each
/// start and stop is a Placement record (app = the value given, module = the image, instance = the container id).
/// A stop is seen as the cgroup's counters becoming unreadable: the engine removes the cgroup when the container ends.
/// </summary>
public sealed class ContainerTarget : IDisposable
{
    private readonly string _given;
    private readonly CgroupMounts _mounts;
    private readonly string _nodeId;
    private readonly string _stage;
    private readonly long _lookEveryNs;
    private ContainerIdentity _identity;
    private CgroupTarget? _cgroup;
    private long _nextLookNs;

    private ContainerTarget(string given, CgroupMounts mounts, ContainerIdentity identity, string nodeId, string stage, long lookEveryNs)
    {
        _given = given;
        _mounts = mounts;
        _identity = identity;
        _nodeId = nodeId;
        _stage = stage;
        _lookEveryNs = lookEveryNs;
    }

    /// <summary>
    /// Identifies the container (throws ArgumentException when the value names none; see ContainerResolver). While it
    /// does not run, it is looked for every <paramref name="lookEveryNs"/>: a look walks the cgroup tree and reads the engine's files, too much for every tick.
    /// </summary>
    public static ContainerTarget Open(string given, CgroupMounts mounts, string nodeId, string stage, long lookEveryNs)
    {
        var identity = ContainerResolver.Identify(given, mounts, out _);
        return new ContainerTarget(given, mounts, identity, nodeId, stage, lookEveryNs);
    }

    /// <summary>For a value no engine knows by name: follows a name that may not exist yet (`tracekit run --container`).</summary>
    public static ContainerTarget Expect(string name, CgroupMounts mounts, string nodeId, string stage, long lookEveryNs) =>
        new(name, mounts, new ContainerIdentity("", name, null, "none"), nodeId, stage, lookEveryNs);

    public ContainerIdentity Identity => _identity;
    public bool IsRunning => _cgroup is not null;
    /// <summary>The running container's cgroup, relative to the hierarchy root; null while it does not run.</summary>
    public string? CgroupPath => _cgroup?.Path;

    /// <summary>
    /// One tick: looks for the container while it does not run, adopts its new member processes after a fork,
    /// writes its CgroupSample. Returns the sample just read (null when the container does not run).
    /// </summary>
    public CgroupReading? Tick(ulong timestampNs, bool forked, ProcessTracker? tracker, RecordSink sink)
    {
        if (_cgroup is null && !TryFind(timestampNs, tracker, sink)) return null;
        if (forked && tracker is not null) _cgroup!.AdoptMembers(tracker, timestampNs, sink);
        if (_cgroup!.Read(out var reading))
        {
            _cgroup.Write(timestampNs, reading, sink);
            return reading;
        }
        Stopped(timestampNs, sink);
        // It may already run again (a restart between two ticks): its new cgroup is looked for on this tick.
        _nextLookNs = 0;
        if (!TryFind(timestampNs, tracker, sink) || !_cgroup!.Read(out reading)) return null;
        _cgroup.Write(timestampNs, reading, sink);
        return reading;
    }

    /// <summary>Looks for the container's cgroup when a look is due; writes its start when it is found.</summary>
    private bool TryFind(ulong timestampNs, ProcessTracker? tracker, RecordSink sink)
    {
        if ((long)timestampNs < _nextLookNs) return false;
        _nextLookNs = (long)timestampNs + _lookEveryNs;
        string? path;
        try
        {
            // A name may now belong to a new container (removed and created again): its files say which.
            if (_identity.Engine is not "cgroup" && ContainerResolver.FindByName(_given, out _) is { } current) _identity = current;
            if (_identity.Id.Length == 0) return false;
            path = ContainerResolver.FindCgroup(_given, _identity.Id, _mounts);
        }
        catch (ArgumentException) { return false; }
        if (path is null) return false;
        try { _cgroup = CgroupTarget.Open(path, _mounts); }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException) { return false; }
        WritePlacement(timestampNs, "start", sink);
        if (tracker is not null) _cgroup.AdoptMembers(tracker, timestampNs, sink);
        return true;
    }

    private void Stopped(ulong timestampNs, RecordSink sink)
    {
        WritePlacement(timestampNs, "stop", sink);
        _cgroup!.Dispose();
        _cgroup = null;
    }

    private void WritePlacement(ulong timestampNs, string what, RecordSink sink) =>
        sink.Write(new Placement
        {
            TimestampNs = timestampNs,
            AppId = _given,
            ModuleId = _identity.Image ?? "",
            InstanceId = _identity.Id,
            NodeId = _nodeId,
            Event = what,
            Stage = _stage,
        });

    public void Dispose() => _cgroup?.Dispose();
}
