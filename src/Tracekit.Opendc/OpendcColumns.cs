namespace Tracekit.Opendc;

/// <summary>Column names of the OpenDC workload format (contract: shared/specs/opendc-workload-contract.md).</summary>
public static class OpendcColumns
{
    public const string TasksFileName = "tasks.parquet";
    public const string FragmentsFileName = "fragments.parquet";

    public const string Id = "id";
    public const string SubmissionTime = "submission_time";
    public const string Duration = "duration";
    public const string CpuCount = "cpu_count";
    public const string CpuCapacity = "cpu_capacity";
    public const string MemCapacity = "mem_capacity";
    public const string Name = "name";
    public const string GpuCount = "gpu_count";
    public const string GpuCapacity = "gpu_capacity";
    public const string Parents = "parents";
    public const string Children = "children";
    public const string Deferrable = "deferrable";
    public const string Deadline = "deadline";

    public const string CpuUsage = "cpu_usage";
    public const string GpuUsage = "gpu_usage";

    /// <summary>The three-level LIST names parquet-mr resolves by name: anything else fails in OpenDC.</summary>
    public const string ListGroupName = "list";
    public const string ListElementName = "element";
}
