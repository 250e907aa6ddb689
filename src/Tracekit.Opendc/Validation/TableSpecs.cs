using ParquetSharp;

namespace Tracekit.Opendc.Validation;

internal enum ColumnShape
{
    Flat,

    /// <summary>Three-level LIST of INT32 (parents/children).</summary>
    IntList,
}

/// <summary>What the contract says about one column.</summary>
internal sealed record ColumnSpec(string Name, PhysicalType Type, bool Required, ColumnShape Shape = ColumnShape.Flat);

/// <summary>The columns of the two tables, exactly as in shared/specs/opendc-workload-contract.md.</summary>
internal static class TableSpecs
{
    public static readonly ColumnSpec[] Tasks =
    [
        new(OpendcColumns.Id, PhysicalType.Int32, Required: true),
        new(OpendcColumns.SubmissionTime, PhysicalType.Int64, Required: true),
        new(OpendcColumns.Duration, PhysicalType.Int64, Required: true),
        new(OpendcColumns.CpuCount, PhysicalType.Int32, Required: true),
        new(OpendcColumns.CpuCapacity, PhysicalType.Double, Required: true),
        new(OpendcColumns.MemCapacity, PhysicalType.Int64, Required: true),
        new(OpendcColumns.Name, PhysicalType.ByteArray, Required: false),
        new(OpendcColumns.GpuCount, PhysicalType.Int32, Required: false),
        new(OpendcColumns.GpuCapacity, PhysicalType.Double, Required: false),
        new(OpendcColumns.Parents, PhysicalType.Int32, Required: false, ColumnShape.IntList),
        new(OpendcColumns.Children, PhysicalType.Int32, Required: false, ColumnShape.IntList),
        new(OpendcColumns.Deferrable, PhysicalType.Boolean, Required: false),
        new(OpendcColumns.Deadline, PhysicalType.Int64, Required: false),
    ];

    public static readonly ColumnSpec[] Fragments =
    [
        new(OpendcColumns.Id, PhysicalType.Int32, Required: true),
        new(OpendcColumns.Duration, PhysicalType.Int64, Required: true),
        new(OpendcColumns.CpuUsage, PhysicalType.Double, Required: true),
        new(OpendcColumns.GpuUsage, PhysicalType.Double, Required: false),
    ];

    /// <summary>Columns holding epoch/ms times: a TIMESTAMP annotation in another unit would be misread as ms.</summary>
    public static bool IsMillisecondTime(string column) =>
        column is OpendcColumns.SubmissionTime or OpendcColumns.Deadline;

    /// <summary>"submission_time", "submissionTime" and "SubmissionTime" all normalise to "submissiontime".</summary>
    public static string Normalise(string column) => column.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
}
