namespace Tracekit.Opendc;

/// <summary>One row of tasks.parquet, in the units OpenDC reads (see docs/opendc.md).</summary>
/// <param name="Id">Converter-assigned task id, unique in the workload (never a PID).</param>
/// <param name="SubmissionTimeMs">Epoch milliseconds.</param>
/// <param name="DurationMs">Sum of the task's fragment durations, milliseconds, &gt; 0.</param>
/// <param name="CpuCount">Cores requested, &gt;= 1.</param>
/// <param name="CpuCapacityMhz">MHz over all cores (16 cores x 2100 MHz = 33600).</param>
/// <param name="MemCapacity">MiB x 1000: OpenDC divides by 1000 and compares with host MiB.</param>
/// <param name="Name">Free text (trace id or command); written as OPTIONAL UTF8.</param>
/// <param name="Parents">Ids of tasks that must finish first; null means none.</param>
/// <param name="Children">Ids of tasks that wait for this one; must mirror <paramref name="Parents"/>.</param>
public sealed record OpendcTask(
    int Id,
    long SubmissionTimeMs,
    long DurationMs,
    int CpuCount,
    double CpuCapacityMhz,
    long MemCapacity,
    string? Name,
    IReadOnlyList<int>? Parents = null,
    IReadOnlyList<int>? Children = null);

/// <summary>One row of fragments.parquet: a task's demand over one interval (no timestamp: fragments play back to back).</summary>
/// <param name="TaskId">Id of the owning task.</param>
/// <param name="DurationMs">Interval length in milliseconds, &gt; 0.</param>
/// <param name="CpuUsageMhz">MHz demanded by the whole task during the interval (not %, not per core).</param>
public readonly record struct OpendcFragment(int TaskId, long DurationMs, double CpuUsageMhz);

/// <summary>One measured machine, as input to <see cref="TopologyWriter"/>.</summary>
public readonly record struct TopologyNode(string NodeId, int CoreCount, double CoreSpeedMhz, long MemoryMiB);
