using System.Text.RegularExpressions;
using Tracekit.Collector.Recording;
using Tracekit.Procfs;
using Tracekit.Ring;

namespace Tracekit.Collector.Sampling;

/// <summary>
/// One `tracekit collect`: opens the ring and the samplers, runs the tick loop on the calling thread until asked
/// to stop or until the duration ends, then flushes. Everything a tick touches was opened before the loop.
/// </summary>
public sealed class CollectSession : IDisposable
{
    private const ulong SelfReportEveryNs = 1_000_000_000;
    private const ulong ClockAnchorEveryNs = 10_000_000_000;
    /// <summary>RSS and thread counts change slowly; /proc/PID/stat is read at most this often.</summary>
    private const long StatRefreshNs = 100_000_000;

    private readonly CollectSettings _settings;
    private readonly RunLayout _layout;
    private readonly RingWriter _ring;
    private readonly RecordSink _sink;
    private readonly HostSampler _host;
    private readonly ForkSentinel _forks;
    private readonly long _hostEveryTicks;
    private readonly ProcessTracker _processes;
    private readonly ProcessDiscovery _discovery;
    private readonly List<PidDirectoryWatcher> _pidDirectories = new();
    private readonly List<CgroupTarget> _cgroups;
    private readonly List<ContainerTarget> _containers;
    private readonly SelfMonitor _self = new();
    private readonly PeerProber? _peers;
    private readonly LatenessHistogram _lateness = new();
    private readonly RecordLossWatch _losses;
    private volatile bool _stopRequested;
    private bool _accessDeniedWarned;
    private long _accessDeniedPublished;

    private CollectSession(CollectSettings settings, RunLayout layout, RingWriter ring, List<CgroupTarget> cgroups, List<ContainerTarget> containers)
    {
        _settings = settings;
        _cgroups = cgroups;
        _containers = containers;
        _layout = layout;
        _ring = ring;
        _sink = new RecordSink(ring);
        _host = HostSampler.Open();
        _forks = ForkSentinel.Open();
        _hostEveryTicks = Math.Max(1, settings.HostIntervalNs / settings.IntervalNs);
        _processes = new ProcessTracker((int)Math.Max(1, StatRefreshNs / settings.IntervalNs));
        _discovery = new ProcessDiscovery(settings.All, settings.MatchPattern is null ? null : new Regex(settings.MatchPattern, RegexOptions.CultureInvariant));
        if (settings.Peers.Count > 0) _peers = new PeerProber(settings.Peers, ring);
        _losses = new RecordLossWatch(ring, layout.NodeDirectory);
    }

    public RingWriter Ring => _ring;
    public TickSchedule? Schedule { get; private set; }
    public LatenessHistogram Lateness => _lateness;
    /// <summary>Records appended to the ring by every producer (the sampling thread and the peer prober).</summary>
    public long RecordsWritten => _sink.RecordsWritten + (_peers?.RecordsWritten ?? 0);
    /// <summary>Records lost: refused by a full ring (its header counts every producer's) or too large to encode.</summary>
    public long RecordsDropped => _ring.DroppedRecords + _sink.RecordsTooLarge + (_peers?.RecordsTooLarge ?? 0);
    /// <summary>Whether records were lost to a failure (a full disk), not to --max-size: the collector exits 3.</summary>
    public bool LostRecordsToFailure => _losses.LostToFailure;
    /// <summary>Processes skipped because their /proc files were denied (meta.json, `tracekit status`).</summary>
    public long AccessDeniedProcesses => _processes.AccessDenied;
    /// <summary>Whether the calling thread, which runs the tick loop, is in the realtime class.</summary>
    public bool IsRealtime { get; private set; }

    /// <summary>Creates the run folders and the ring, resolves every target; throws ArgumentException or IOException.</summary>
    public static CollectSession Start(CollectSettings settings)
    {
        // Before anything is written: a mistyped --cgroup or --container must leave no ring behind, or the
        // corrected command would find the run's ring taken and exit 3 instead of collecting.
        // One rule for every target named on the command line: absent at start is an error (exit 2, nothing
        // written), whether it is a --pid, --pid-dir, --cgroup or --container; one that ends later is recorded.
        foreach (int pid in settings.Pids)
        {
            if (!ProcessIdentity.TryReadStartTicks(pid, out _))
                throw new ArgumentException($"--pid {pid} is not a running process; check the PID (ps -p {pid}), or select the process by --match, or its cgroup with --cgroup");
        }
        var cgroups = OpenCgroups(settings);
        List<ContainerTarget> containers;
        try { containers = OpenContainers(settings); }
        catch
        {
            foreach (var c in cgroups) c.Dispose();
            throw;
        }
        var layout = new RunLayout(settings.OutDirectory, settings.RunId, settings.NodeId);
        RingWriter ring;
        try
        {
            layout.CreateDirectories();
            ring = CreateRing(settings, layout);
        }
        catch
        {
            foreach (var c in cgroups) c.Dispose();
            foreach (var c in containers) c.Dispose();
            throw;
        }
        CollectSession? session = null;
        try
        {
            session = new CollectSession(settings, layout, ring, cgroups, containers);
            session.ResolveTargets();
            // Every thread is started before this one turns realtime (PeerProber.Start says why).
            session._peers?.Start();
            // The class is per thread: Start and Run must be called on the same thread (the command does so).
            session.IsRealtime = EnterPriority(settings.Priority);
            return session;
        }
        catch
        {
            if (session is not null) session.Dispose();
            else
            {
                ring.Dispose();
                foreach (var c in cgroups) c.Dispose();
                foreach (var c in containers) c.Dispose();
            }
            throw;
        }
    }

    private static List<CgroupTarget> OpenCgroups(CollectSettings settings)
    {
        var cgroups = new List<CgroupTarget>();
        try
        {
            var mounts = CgroupMounts.Discover();
            foreach (var path in settings.Cgroups) cgroups.Add(CgroupTarget.Open(path, mounts));
            return cgroups;
        }
        catch
        {
            foreach (var c in cgroups) c.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A container that does not run yet (an engine knows its name) is followed from when it starts; one whose value
    /// names nothing is an error, like a mistyped --cgroup.
    /// </summary>
    private static List<ContainerTarget> OpenContainers(CollectSettings settings)
    {
        var containers = new List<ContainerTarget>();
        if (settings.Containers.Count == 0) return containers;
        var mounts = CgroupMounts.Discover();
        foreach (var name in settings.Containers)
            containers.Add(ContainerTarget.Open(name, mounts, settings.NodeId, settings.Stage, ContainerLookEveryNs));
        return containers;
    }

    /// <summary>How often a container that does not run is looked for.</summary>
    private const long ContainerLookEveryNs = 100_000_000;

    private static RingWriter CreateRing(CollectSettings settings, RunLayout layout) =>
        RingWriter.Create(new RingOptions
        {
            DirectoryPath = layout.NodeDirectory,
            SegmentCapacityInBytes = settings.RingSizeInBytes,
            Policy = settings.Policy,
            MaxTotalSizeInBytes = settings.MaxSizeInBytes,
            RunId = settings.RunId,
            NodeId = settings.NodeId,
            Stage = settings.Stage,
        });

    private void ResolveTargets()
    {
        if (_settings.PidDirectory is { } pidDir) _pidDirectories.Add(PidDirectoryWatcher.Open(pidDir));
        var runPids = PidDirectoryWatcher.Open(_layout.PidsDirectory);
        runPids.ExitsRecordedByOwner = true;
        _pidDirectories.Add(runPids);
    }

    public void RequestStop() => _stopRequested = true;

    /// <summary>CLOCK_MONOTONIC of the first tick (0 before it): where startup ends (meta.json, docs/cli.md).</summary>
    public ulong FirstTickMonotonicNs { get; private set; }

    /// <summary>Runs the tick loop until stopped; returns when the ring has been flushed.</summary>
    public void Run()
    {
        ulong startNs = Monotonic.NowNs();
        var anchor = ClockPair.Read().ToAnchor();
        _sink.Write(anchor);
        NodeDescription.Write(startNs, _sink);
        foreach (int pid in _settings.Pids)
        {
            if (!_processes.TryAdopt(pid, followChildren: true, startNs, _sink))
                Console.Error.WriteLine($"tracekit: warning: --pid {pid} is not a running process we can read; skipped");
        }
        // The first listing reads the identity of every process on the host (~10 ms with 1000 processes): only
        // worth it when a process could be selected.
        if (_discovery.CanSelect(_processes)) _discovery.Scan(_processes, startNs, _sink);
        // Members of a selected cgroup are adopted now, not only after the host's next fork.
        foreach (var cg in _cgroups) cg.AdoptMembers(_processes, startNs, _sink);
        foreach (var container in _containers)
        {
            container.Tick(startNs, forked: false, _processes, _sink);
            if (!container.IsRunning)
                Console.Error.WriteLine($"tracekit: --container '{container.Identity.Name}' ({container.Identity.Engine} id {container.Identity.Id}) does not run yet; it is sampled from when it starts");
        }
        _peers?.Begin();
        WarnAccessDeniedOnce();
        PublishAccessDenied();

        // The schedule starts when setup is done, not at startNs: setup (node description, the first listing,
        // registration) takes milliseconds, and a schedule that began before it would count the first tick late
        // by that much in every run.
        ulong originNs = Monotonic.NowNs();
        var schedule = new TickSchedule(originNs, _settings.IntervalNs);
        Schedule = schedule;
        ulong endNs = _settings.DurationNs > 0 ? originNs + (ulong)_settings.DurationNs : ulong.MaxValue;
        ulong nextSelfReportNs = originNs;
        ulong nextAnchorNs = originNs + ClockAnchorEveryNs;
        long lastHostTick = -1;

        while (!_stopRequested)
        {
            ulong dueNs = schedule.NextDueNs;
            // The tick due exactly at the end is taken: a 2 s collection has samples at 0 and at 2 s, so its
            // cumulative counters cover the whole 2 s.
            if (dueNs > endNs) break;
            Monotonic.SleepUntilNs(dueNs);
            if (_stopRequested) break;
            ulong nowNs = Monotonic.NowNs();
            schedule.Take(nowNs, out long latenessNs);
            if (FirstTickMonotonicNs == 0) FirstTickMonotonicNs = nowNs;
            _lateness.Record(latenessNs);
            // One clock read per tick: every record of the tick carries the same timestamp.
            Tick(nowNs, schedule.Ticks, ref lastHostTick);
            if (!_accessDeniedWarned) WarnAccessDeniedOnce();

            if (nowNs >= nextSelfReportNs)
            {
                // Rewriting the registration allocates, so only when the count moved (new processes were denied,
                // which happens when new processes appear, not on a steady tick).
                if (_processes.AccessDenied != _accessDeniedPublished) PublishAccessDenied();
                long dropped = RecordsDropped;
                _self.Report(nowNs, schedule, _sink, RecordsWritten, dropped, _ring.OverwrittenRecords);
                _losses.Check((long)nowNs, dropped);
                nextSelfReportNs += SelfReportEveryNs;
            }
            if (nowNs >= nextAnchorNs)
            {
                _sink.Write(ClockPair.Read().ToAnchor());
                nextAnchorNs += ClockAnchorEveryNs;
            }
        }

        var endTs = Monotonic.NowNs();
        // The host's cumulative counters must cover the whole run, whatever tick the host was last read on.
        if (lastHostTick != schedule.Ticks) _host.Sample(endTs, _sink);
        _sink.Write(ClockPair.Read().ToAnchor());
        _peers?.Stop();
        // The last record, and it counts itself: its figures are meta.json's, the run's totals (a full ring refuses
        // it, and then only meta.json has them).
        _self.Report(endTs, schedule, _sink, RecordsWritten + 1, RecordsDropped, _ring.OverwrittenRecords);
        _ring.Flush();
        CollectorRegistration.Remove(_layout);
        RunMetadata.Write(_layout, _settings, this);
        _losses.ReportAtExit(RecordsWritten, RecordsDropped);
    }

    private void Tick(ulong timestampNs, long tickIndex, ref long lastHostTick)
    {
        // Ticks are counted from 1; the host is read on the first tick and then every _hostEveryTicks.
        if ((tickIndex - 1) % _hostEveryTicks == 0)
        {
            _host.Sample(timestampNs, _sink);
            lastHostTick = tickIndex;
        }
        foreach (var dir in _pidDirectories) dir.Poll(_processes, timestampNs, _sink);
        bool forked = _forks.CheckForkedSinceLastCall();
        // A fork may add a process to follow; an exit of a tracked process may have freed a PID that is reused.
        // With nothing to follow and nothing to match, no new process can be selected: skip the /proc listing.
        if ((forked && _discovery.CanSelect(_processes)) || _processes.HasExitsSinceScan) _discovery.Scan(_processes, timestampNs, _sink);
        if (forked)
        {
            foreach (var cg in _cgroups) cg.AdoptMembers(_processes, timestampNs, _sink);
        }
        _processes.Sample(timestampNs, tickIndex, _sink);
        foreach (var cg in _cgroups) cg.Sample(timestampNs, _sink);
        foreach (var container in _containers) container.Tick(timestampNs, forked, _processes, _sink);
        // Between ticks, not per record: the next ticks' ring pages become writable in one call, not a fault each.
        _ring.PrefaultAhead();
    }

    /// <summary>
    /// One line for the whole run, not one per process or tick: with hidepid or as an unprivileged user, most of
    /// the host's processes may be denied, and every fork of theirs would repeat the warning.
    /// </summary>
    private void WarnAccessDeniedOnce()
    {
        long denied = _processes.AccessDenied;
        if (denied == 0) return;
        _accessDeniedWarned = true;
        Console.Error.WriteLine($"tracekit: warning: {denied} process(es) could not be read (permission denied: other users' processes or hidepid); they are skipped. Run as root or with CAP_SYS_PTRACE to sample them; `tracekit status` and meta.json count them (access_denied_processes)");
    }

    private void PublishAccessDenied()
    {
        _accessDeniedPublished = _processes.AccessDenied;
        CollectorRegistration.Write(_layout, _settings, _accessDeniedPublished);
    }

    private static bool EnterPriority(SamplingPriority priority)
    {
        if (priority == SamplingPriority.Normal) return false;
        // Priority 1, the lowest realtime level: above every normal thread (so a loaded host cannot delay a tick
        // by a whole scheduler slice) and below any realtime work the operator runs.
        if (Native.Libc.TrySetCurrentThreadFifo(1, out int errno)) return true;
        if (priority == SamplingPriority.Realtime)
            throw new IOException($"--priority realtime: cannot enter SCHED_FIFO ({Native.Libc.DescribeErrno(errno)}); run as root or with CAP_SYS_NICE");
        return false;
    }

    public void Dispose()
    {
        _peers?.Dispose();
        _forks.Dispose();
        _host.Dispose();
        _processes.Dispose();
        _discovery.Dispose();
        foreach (var d in _pidDirectories) d.Dispose();
        foreach (var c in _cgroups) c.Dispose();
        foreach (var c in _containers) c.Dispose();
        _self.Dispose();
        _ring.Dispose();
    }
}
