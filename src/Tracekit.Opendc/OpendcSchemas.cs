using ParquetSharp;
using ParquetSharp.Schema;

namespace Tracekit.Opendc;

/// <summary>
/// Exact parquet schemas Tracekit writes. Built from GroupNode/PrimitiveNode so that every physical type and
/// repetition is chosen here, not inferred from a CLR type (nullable CLR types would silently give OPTIONAL).
/// </summary>
internal static class OpendcSchemas
{
    public static GroupNode Fragments() => new(
        "schema",
        Repetition.Required,
        [
            Required(OpendcColumns.Id, PhysicalType.Int32),
            Required(OpendcColumns.Duration, PhysicalType.Int64),
            Required(OpendcColumns.CpuUsage, PhysicalType.Double),
        ],
        null);

    public static GroupNode Tasks(bool withDependencies)
    {
        var fields = new List<Node>
        {
            Required(OpendcColumns.Id, PhysicalType.Int32),
            Required(OpendcColumns.SubmissionTime, PhysicalType.Int64),
            Required(OpendcColumns.Duration, PhysicalType.Int64),
            Required(OpendcColumns.CpuCount, PhysicalType.Int32),
            Required(OpendcColumns.CpuCapacity, PhysicalType.Double),
            Required(OpendcColumns.MemCapacity, PhysicalType.Int64),
            new PrimitiveNode(OpendcColumns.Name, Repetition.Optional, LogicalType.String(), PhysicalType.ByteArray),
        };
        if (withDependencies)
        {
            fields.Add(IntList(OpendcColumns.Parents));
            fields.Add(IntList(OpendcColumns.Children));
        }

        return new GroupNode("schema", Repetition.Required, fields, null);
    }

    /// <summary>optional group NAME (LIST) { repeated group list { optional int32 element } } – OpenDC's own layout.</summary>
    private static GroupNode IntList(string name) => new(
        name,
        Repetition.Optional,
        [
            new GroupNode(
                OpendcColumns.ListGroupName,
                Repetition.Repeated,
                [new PrimitiveNode(OpendcColumns.ListElementName, Repetition.Optional, LogicalType.None(), PhysicalType.Int32)],
                null),
        ],
        LogicalType.List());

    private static PrimitiveNode Required(string name, PhysicalType type) =>
        new(name, Repetition.Required, LogicalType.None(), type);
}
