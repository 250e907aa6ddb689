using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Tracekit.Collector.Recording;
using Tracekit.Collector.Sampling;
using Tracekit.Format;
using Tracekit.Native;
using Tracekit.Procfs;
using Tracekit.Ring;

namespace Tracekit.Collector.Jobs;

/// <summary>
/// `tracekit run`: starts a job stopped, puts it in its own cgroup, then lets it run (registering it in the
/// collector's pids folder once it has exec'd) while sampling its process tree into a stream of its own, and writes the invocation. The job is never
/// unobserved: CPU counters are cumulative from the job's fork, and it is in its cgroup before its first instruction.
/// </summary>
public sealed class JobRunner
{
    /// <summary>
    /// The stop-then-exec trampoline. A constant script: the job's program and arguments reach it as positional
    /// parameters ($0, $@), never as text to parse, so no argument can be read as shell syntax. `kill -STOP $$` stops
    /// the shell; after SIGCONT it execs the job in the same process, keeping the PID we registered.
    /// </summary>
    private const string Trampoline = "kill -STOP $$ && exec \"$0\" \"$@\"";

    private readonly JobSettings _settings;
    private readonly TextWriter _log;
    /// <summary>The highest sum of the job's processes' RSS over its ticks (docs/cctf.md, peak_rss_kb).</summary>
    private long _peakTreeRssKb;
    /// <summary>The job's file in the collector's pids folder, while it is there.</summary>
    private string? _registration;

    public JobRunner(JobSettings settings, TextWriter log)
    {
        _settings = settings;
        _log = log;
    }

    /// <summary>Runs the job; returns its exit status (128 + N when a signal N ended it).</summary>
    public int Run()
    {
        string program = ProgramResolver.Resolve(_settings.Command)
            ?? throw new JobStartException($"'{_settings.Command}' was not found or is not executable");
        var layout = new RunLayout(_settings.OutDirectory, _settings.RunId, _settings.NodeId);
        layout.CreateDirectories();
        string streamDirectory = layout.StreamDirectory(StreamName());
        using var ring = RingWriter.Create(new RingOptions
        {
            DirectoryPath = streamDirectory,
            SegmentCapacityInBytes = _settings.RingSizeInBytes,
            RunId = _settings.RunId,
            NodeId = _settings.NodeId,
            Stage = _settings.Stage,
        });
        var sink = new RecordSink(ring);
        var anchor = ClockPair.Read().ToAnchor();
        sink.Write(anchor);
        NodeDescription.Write(anchor.TimestampNs, sink);

        using var process = StartStopped(program);
        JobCgroup? cgroup = null;
        bool ended = false;
        try
        {
            cgroup = PlaceInCgroup(process.Id);
            using var container = _settings.Container is { } containerName ? new ContainerJob(containerName, _settings) : null;
            var start = WriteStart(program, process.Id, cgroup, anchor, container, sink);
            ulong endNs = Observe(process, program, layout, cgroup, container, start.Record, sink);
            ended = true;
            int exitCode = process.ExitCode;
            WriteEnd(start, endNs, exitCode, cgroup, container, streamDirectory, sink);
            ring.Flush();
            return exitCode;
        }
        finally
        {
            // Also when a stage failed: the job is never left stopped, or running unobserved, and neither its
            // registration nor its cgroup directory outlives it.
            if (!ended) KillAndReap(process);
            if (_registration is not null) File.Delete(_registration);
            cgroup?.Dispose();
        }
    }

    /// <summary>This invocation's stream: named by this process (PID and start ticks), so concurrent runs never share one.</summary>
    private static string StreamName()
    {
        int selfPid = Environment.ProcessId;
        return $"run-{selfPid}-{(ProcessIdentity.TryReadStartTicks(selfPid, out var t) ? t : 0)}";
    }

    /// <summary>Moves the stopped job into a cgroup of its own; null (with a note) where none can be made.</summary>
    private JobCgroup? PlaceInCgroup(int pid)
    {
        JobCgroup? cgroup = JobCgroup.TryCreate($"{_settings.RunId}.{_settings.NodeId}.job-{pid}", _settings.CpuLimitCores, out string? problem);
        try
        {
            cgroup?.Attach(pid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = e.Message;
            cgroup?.Dispose();
            cgroup = null;
        }
        if (cgroup is null)
            // A limit the user asked for and did not get is a warning: the job may use more CPU than its units say.
            _log.WriteLine($"tracekit run: {(_settings.CpuLimitCores is null ? "note" : "warning")}: the job runs without a cgroup of its own{(_settings.CpuLimitCores is null ? "" : $" and without its --cpu-limit of {_settings.CpuLimitCores.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)} cores")} ({problem}); its tree CPU comes from wait4 rusage");
        return cgroup;
    }

    /// <summary>What the invocation's start says, and when it began: written now, or by the container once it runs.</summary>
    private readonly record struct JobStart(ulong StartNs, ulong PidStartTicks, long? BytesIn, InvocationStart Record);

    private JobStart WriteStart(string program, int pid, JobCgroup? cgroup, ClockAnchor anchor, ContainerJob? container, RecordSink sink)
    {
        ProcessIdentity.TryReadStartTicks(pid, out ulong pidStartTicks);
        // Sized while the job is still stopped: bytes_in is what it was given, and a job may consume its input
        // (truncate, move or delete it). The output is sized once the job has ended.
        long? bytesIn = FileSize(_settings.InputPath);
        long? enqueueNs = _settings.EnqueueEpochMs is { } ms ? (long)anchor.TimestampNs + (ms * 1_000_000 - anchor.RealtimeNs) : null;
        ulong startNs = Monotonic.NowNs();
        var record = new InvocationStart
        {
            TimestampNs = startNs,
            TraceId = _settings.TraceId ?? RandomHex(16),
            SpanId = RandomHex(8),
            EnqueueNs = enqueueNs,
            Method = "CLI",
            Path = program,
            Pid = pid,
            PidStartTicks = (long)pidStartTicks,
            Input = _settings.InputPath,
            Output = _settings.OutputPath,
            Cpuset = ReadCpuset(pid),
            Cgroup = cgroup?.RelativePath,
        };
        // With --container the invocation is the container's: ContainerJob writes its start once it runs.
        if (container is null) sink.Write(record);
        return new JobStart(startNs, pidStartTicks, bytesIn, record);
    }

    /// <summary>Lets the job run and samples it until it (or its container) ends; returns the end time.</summary>
    private ulong Observe(Process process, string program, RunLayout layout, JobCgroup? cgroup, ContainerJob? container,
        InvocationStart startRecord, RecordSink sink)
    {
        int pid = process.Id;
        using var forwarding = new SignalForwarding(pid);
        using var tracker = new ProcessTracker((int)Math.Max(1, 100_000_000 / _settings.IntervalNs));
        using var discovery = new ProcessDiscovery(adoptAll: false, match: null);
        ulong endNs = 0;
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => Volatile.Write(ref endNs, Monotonic.NowNs()); // publishes the end time to the loop

        Libc.TrySendSignal(pid, Libc.SigCont, out _);
        WaitForExec(pid, program);
        // After the exec, so the collector's start record names the job, not the stop-then-exec trampoline (this
        // stream samples the job from its first tick either way).
        _registration = RegisterWithCollector(layout, pid);
        tracker.TryAdopt(pid, followChildren: true, Monotonic.NowNs(), sink);
        tracker.ExitRecordedByOwner(pid);

        SampleUntilExit(process, tracker, discovery, cgroup, sink, container, startRecord);
        process.WaitForExit();
        if (Volatile.Read(ref endNs) == 0) Volatile.Write(ref endNs, Monotonic.NowNs());
        return Volatile.Read(ref endNs);
    }

    private void WriteEnd(in JobStart start, ulong endNs, int exitCode, JobCgroup? cgroup, ContainerJob? container, string streamDirectory, RecordSink sink)
    {
        long? treeCpuNs = null;
        long? peakRssKb = null;
        bool haveRusage = Libc.TryGetChildrenResourceUsage(out var children);
        if (haveRusage)
        {
            treeCpuNs = (children.UserTimeUs + children.SystemTimeUs) * 1000;
            peakRssKb = children.MaxRssKb;
        }
        // The job's peak memory is its tree's: parallel processes add up, which the largest single ru_maxrss misses.
        // Both figures are lower bounds of the true peak (one misses the sum, the other peaks between ticks).
        if (_peakTreeRssKb > 0) peakRssKb = Math.Max(peakRssKb ?? 0, _peakTreeRssKb);
        if (cgroup is not null && cgroup.Stats.TryRead(out var cg) == ProcReadStatus.Ok && cg.CpuUsageNs >= 0)
        {
            // The cgroup also counts descendants that were never waited for; rusage misses those.
            treeCpuNs = Math.Max(treeCpuNs ?? 0, cg.CpuUsageNs);
            WriteCgroupSample(cgroup, endNs, cg, sink);
        }

        sink.Write(new ProcessExit
        {
            TimestampNs = endNs,
            Pid = start.Record.Pid!.Value,
            StartTicks = start.PidStartTicks,
            ExitStatus = exitCode,
            // Unknown is nil, never 0: a failed getrusage must not read as a job that used no CPU.
            UserTimeUs = haveRusage ? children.UserTimeUs : null,
            SystemTimeUs = haveRusage ? children.SystemTimeUs : null,
            MaxRssKb = haveRusage ? children.MaxRssKb : null,
        });
        var endRecord = new InvocationEnd
        {
            TimestampNs = endNs,
            TraceId = start.Record.TraceId,
            SpanId = start.Record.SpanId,
            Status = exitCode,
            BytesIn = start.BytesIn,
            BytesOut = FileSize(_settings.OutputPath),
            CpuTimeNs = treeCpuNs,
            PeakRssKb = peakRssKb,
        };
        if (container is null) sink.Write(endRecord);
        else container.Finish(start.StartNs, endNs, exitCode, start.Record, endRecord, streamDirectory, sink, _log);
        sink.Write(ClockPair.Read().ToAnchor());
    }

    /// <summary>A stage failed before the job ended: end it (SIGKILL works on a stopped process too) and reap it.</summary>
    private static void KillAndReap(Process process)
    {
        try
        {
            if (process.HasExited) return;
            process.Kill();
            process.WaitForExit(5000);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
    }

    private Process StartStopped(string program)
    {
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Trampoline);
        psi.ArgumentList.Add(program);
        foreach (var a in _settings.Arguments) psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new JobStartException("the job could not be started");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new JobStartException($"cannot start /bin/sh for the job: {e.Message}");
        }

        // Wait until the trampoline has stopped itself: only then is it safe to move it into its cgroup.
        var waited = Stopwatch.StartNew();
        while (ProcessIdentity.State(process.Id) != (byte)'T')
        {
            if (process.HasExited || waited.ElapsedMilliseconds > 5000)
                throw new JobStartException("the job's launcher did not reach its stop point");
            Thread.Sleep(0);
        }
        return process;
    }

    private void SampleUntilExit(Process process, ProcessTracker tracker, ProcessDiscovery discovery, JobCgroup? cgroup, RecordSink sink,
        ContainerJob? container, InvocationStart startRecord)
    {
        using var forks = ForkSentinel.Open();
        var schedule = new TickSchedule(Monotonic.NowNs(), _settings.IntervalNs);
        bool exitedBeforeTick = false;
        // With --container, one tick is taken after the command exited (`docker run -d` returns once its container
        // runs, possibly before a tick saw it), then ticks go on while the container runs.
        while (container is null ? !process.HasExited : !exitedBeforeTick || container.KeepsRunning)
        {
            exitedBeforeTick = process.HasExited;
            Monotonic.SleepUntilNs(schedule.NextDueNs);
            // A job that ended during the sleep gets no reading after its end: it would lengthen its OpenDC task.
            // (A --container job ends with its container, not its command.)
            if (container is null && process.HasExited) break;
            ulong nowNs = Monotonic.NowNs();
            schedule.Take(nowNs, out _);
            bool forked = forks.CheckForkedSinceLastCall();
            // Only a new process on the host can be a new descendant of the job, so a quiet tick skips the listing.
            if (forked || tracker.HasExitsSinceScan) discovery.Scan(tracker, nowNs, sink);
            tracker.Sample(nowNs, schedule.Ticks, sink);
            _peakTreeRssKb = Math.Max(_peakTreeRssKb, tracker.LastRssSumKb);
            if (cgroup is not null && cgroup.Stats.TryRead(out var cg) == ProcReadStatus.Ok) WriteCgroupSample(cgroup, nowNs, cg, sink);
            container?.Tick(nowNs, forked, tracker, sink, startRecord);
        }
        tracker.Sample(Monotonic.NowNs(), schedule.Ticks + 1, sink);
    }

    private static void WriteCgroupSample(JobCgroup cgroup, ulong timestampNs, Procfs.CgroupSample cg, RecordSink sink) =>
        sink.Write(new Format.CgroupSample
        {
            TimestampNs = timestampNs,
            Path = cgroup.RelativePath,
            Version = (int)cgroup.Stats.Version,
            CpuUsageNs = (ulong)Math.Max(0, cg.CpuUsageNs),
            MemoryBytes = (ulong)Math.Max(0, cg.MemoryCurrentBytes),
            MemoryPeakBytes = cg.MemoryPeakBytes >= 0 ? cg.MemoryPeakBytes : null,
            MemoryLimitBytes = cg.MemoryLimitBytes >= 0 && cg.MemoryLimitBytes != long.MaxValue ? cg.MemoryLimitBytes : null,
        });

    /// <summary>Tells a running collector of this run about the job (a file named by the PID in control/pids).</summary>
    private static string? RegisterWithCollector(RunLayout layout, int pid)
    {
        if (CollectorRegistration.ReadLive(layout) is null) return null;
        string path = Path.Join(layout.PidsDirectory, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using (new FileStream(path, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = RunLayout.PrivateFileMode })) { }
        return path;
    }

    private static void WaitForExec(int pid, string program)
    {
        // After SIGCONT the trampoline execs at once; wait (briefly) so the ProcessStart names the job, not sh.
        var waited = Stopwatch.StartNew();
        string expected = Path.GetFileName(program);
        while (waited.ElapsedMilliseconds < 200)
        {
            try
            {
                var comm = File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n');
                if (comm != "sh" || expected.StartsWith("sh", StringComparison.Ordinal)) return;
            }
            catch (IOException) { return; }
            Thread.Sleep(0);
        }
    }

    private static string? ReadCpuset(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)) return line["Cpus_allowed_list:".Length..].Trim();
        }
        catch (IOException) { }
        return null;
    }

    private static long? FileSize(string? path) => path is not null && File.Exists(path) ? new FileInfo(path).Length : null;

    private static string RandomHex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}

public sealed class JobStartException(string message) : Exception(message);
