using Tracekit.Collector.Recording;
using Tracekit.Procfs;
using RecordCgroupSample = Tracekit.Format.CgroupSample;

namespace Tracekit.Collector.Sampling;

/// <summary>
/// One selected cgroup: its CPU and memory counters each tick (kept fds), and its member processes adopted from
/// cgroup.procs whenever the host forked.
/// </summary>
public sealed class CgroupTarget : IDisposable
{
    private readonly CgroupStatsReader _stats;
    private readonly ProcFile? _procs;
    private readonly byte[] _buffer = new byte[64 * 1024];

    private CgroupTarget(string path, CgroupStatsReader stats, ProcFile? procs)
    {
        Path = path;
        _stats = stats;
        _procs = procs;
    }

    /// <summary>The cgroup path as the user named it, relative to the hierarchy root (e.g. /system.slice/x).</summary>
    public string Path { get; }

    /// <summary>
    /// Resolves a cgroup path on this host: an absolute directory under a cgroup mount, or a path relative to the
    /// hierarchy root, tried on the v2 (unified) mount first and then on the v1 cpuacct and memory hierarchies.
    /// </summary>
    public static CgroupTarget Open(string cgroupPath, CgroupMounts mounts)
    {
        var unified = mounts.Unified;
        string relative = cgroupPath;
        foreach (var m in mounts.Mounts)
        {
            if (cgroupPath.StartsWith(m.MountPoint + "/", StringComparison.Ordinal) || cgroupPath == m.MountPoint)
                relative = "/" + cgroupPath[m.MountPoint.Length..].TrimStart('/');
        }

        var cpuacct = mounts.FindV1("cpuacct");
        var memory = mounts.FindV1("memory");
        string? cpuDir = cpuacct is null ? null : CgroupMounts.Resolve(cpuacct, relative);
        string? memDir = memory is null ? null : CgroupMounts.Resolve(memory, relative);
        string? v2Dir = unified is null ? null : CgroupMounts.Resolve(unified, relative);

        // A v1 cgroup with the cpuacct controller wins where it exists: that is where a process's CPU is charged
        // on a hybrid host. A v2-only cgroup is read through cpu.stat.
        if (cpuDir is not null && Directory.Exists(cpuDir))
        {
            var stats = CgroupStatsReader.OpenV1(cpuDir, memDir is not null && Directory.Exists(memDir) ? memDir : null);
            return new CgroupTarget(relative, stats, OpenProcs(cpuDir));
        }

        if (v2Dir is not null && Directory.Exists(v2Dir))
            return new CgroupTarget(relative, CgroupStatsReader.OpenV2(v2Dir), OpenProcs(v2Dir));

        throw new ArgumentException($"--cgroup '{cgroupPath}' was not found under any cgroup mount (looked for {cpuDir ?? "-"} and {v2Dir ?? "-"})");
    }

    private static ProcFile? OpenProcs(string directory)
    {
        ProcFile.TryOpen(System.IO.Path.Join(directory, "cgroup.procs"), out var file);
        return file;
    }

    public CgroupVersion Version => _stats.Version;

    /// <summary>Writes one sample; false when the counters could not be read (a removed cgroup: a stopped container).</summary>
    public bool Sample(ulong timestampNs, RecordSink sink)
    {
        if (!Read(out var s)) return false;
        Write(timestampNs, s, sink);
        return true;
    }

    /// <summary>Reads the counters (kept fds, no allocation); false when they could not be read.</summary>
    public bool Read(out Procfs.CgroupSample sample) => _stats.TryRead(out sample) == ProcReadStatus.Ok;

    public void Write(ulong timestampNs, in Procfs.CgroupSample s, RecordSink sink) =>
        sink.Write(new RecordCgroupSample
        {
            TimestampNs = timestampNs,
            Path = Path,
            Version = (int)_stats.Version,
            CpuUsageNs = (ulong)Math.Max(0, s.CpuUsageNs),
            MemoryBytes = (ulong)Math.Max(0, s.MemoryCurrentBytes),
            MemoryPeakBytes = s.MemoryPeakBytes >= 0 ? s.MemoryPeakBytes : null,
            MemoryLimitBytes = s.MemoryLimitBytes >= 0 && s.MemoryLimitBytes != long.MaxValue ? s.MemoryLimitBytes : null,
        });

    /// <summary>Adopts every process listed in cgroup.procs that is not tracked yet.</summary>
    public void AdoptMembers(ProcessTracker tracker, ulong timestampNs, RecordSink sink)
    {
        if (_procs is null || _procs.TryRead(_buffer, out int length) != ProcReadStatus.Ok) return;
        var rest = _buffer.AsSpan(0, length);
        while (!rest.IsEmpty)
        {
            int nl = rest.IndexOf((byte)'\n');
            var line = nl < 0 ? rest : rest[..nl];
            rest = nl < 0 ? default : rest[(nl + 1)..];
            if (System.Buffers.Text.Utf8Parser.TryParse(line, out int pid, out _) && pid > 0 && !tracker.IsTracked(pid))
                tracker.TryAdopt(pid, followChildren: true, timestampNs, sink);
        }
    }

    public void Dispose()
    {
        _stats.Dispose();
        _procs?.Dispose();
    }
}
