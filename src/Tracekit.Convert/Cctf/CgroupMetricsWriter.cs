using Tracekit.Convert.Output;
using Tracekit.Convert.Reading;
using Tracekit.Format;

namespace Tracekit.Convert.Cctf;

/// <summary>
/// cgroup_metrics.jsonl: one row per CgroupSample; cpu_ms and dt_ms are the window since the same cgroup's previous
/// sample (null on its first), like proc_cpu.jsonl but keeping the first row for its memory values.
/// </summary>
internal sealed class CgroupMetricsWriter(JsonlFile file)
{
    private readonly Dictionary<string, (ulong TimestampNs, long EpochMs, int AnchorVersion, ulong CpuUsageNs)> _previous = new(StringComparer.Ordinal);

    public void OnSample(StreamCursor record, in CgroupSample sample)
    {
        long? dtMs = null;
        long? cpuNs = null;
        if (_previous.TryGetValue(sample.Path, out var previous)
            && record.TimestampNs > previous.TimestampNs && sample.CpuUsageNs >= previous.CpuUsageNs)
        {
            dtMs = record.AnchorVersion == previous.AnchorVersion
                ? record.EpochMs - previous.EpochMs
                : EpochClock.RoundNsToMs((long)(record.TimestampNs - previous.TimestampNs));
            cpuNs = (long)(sample.CpuUsageNs - previous.CpuUsageNs);
        }

        _previous[sample.Path] = (record.TimestampNs, record.EpochMs, record.AnchorVersion, sample.CpuUsageNs);
        var row = Rows.BeginTimed(file, record);
        row.String(CctfNames.Cgroup, sample.Path);
        row.Number(CctfNames.Version, sample.Version);
        row.Number(CctfNames.DtMs, dtMs);
        row.MsFromNs(CctfNames.CpuMs, cpuNs);
        row.Number(CctfNames.MemoryBytes, sample.MemoryBytes);
        row.Number(CctfNames.MemoryPeakBytes, sample.MemoryPeakBytes);
        row.Number(CctfNames.MemoryLimitBytes, sample.MemoryLimitBytes);
        row.End();
    }
}
