using ParquetSharp;
using ParquetSharp.Schema;

namespace Tracekit.Opendc.Validation;

/// <summary>How to read one column that passed the schema check.</summary>
/// <param name="LeafIndex">Index of the (leaf) column in the file.</param>
/// <param name="EntryDefinitionLevel">For lists: the definition level at which a list entry exists.</param>
internal readonly record struct ColumnBinding(int LeafIndex, short MaxDefinitionLevel, short EntryDefinitionLevel);

/// <summary>
/// Checks a file's schema against the contract with ParquetSharp's schema nodes: physical type, repetition,
/// logical/converted type where it changes meaning, LIST structure and names, codecs. Returns the columns whose
/// values can be read for the row-level checks.
/// </summary>
internal static class SchemaChecker
{
    public static Dictionary<string, ColumnBinding> Check(
        FileMetaData metadata, string file, ColumnSpec[] specs, FindingSink sink)
    {
        var schema = metadata.Schema;
        var leafByField = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < schema.NumColumns; i++)
        {
            leafByField.TryAdd(schema.Column(i).Path.ToDotVector()[0], i);
        }

        var bindings = new Dictionary<string, ColumnBinding>(StringComparer.Ordinal);
        var fields = schema.GroupNode.Fields;
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            present.Add(field.Name);
            var spec = Array.Find(specs, s => s.Name == field.Name);
            if (spec is null)
            {
                ReportExtra(field.Name, file, specs, sink);
                continue;
            }

            if (!leafByField.TryGetValue(field.Name, out int leaf))
            {
                sink.Error(file, field.Name, null, "schema", "column has no leaf values (an empty group)");
                continue;
            }

            bool usable = spec.Shape == ColumnShape.IntList
                ? CheckList(field, spec, file, sink, out short entryDef)
                : CheckFlat(field, spec, file, sink, out entryDef);
            if (usable)
            {
                bindings[spec.Name] = new ColumnBinding(leaf, schema.Column(leaf).MaxDefinitionLevel, entryDef);
            }
        }

        foreach (var spec in specs)
        {
            if (spec.Required && !present.Contains(spec.Name))
            {
                sink.Error(file, spec.Name, null, "missing column",
                    $"missing required column ({Describe(spec)}): OpenDC does not fail, it silently reads 0");
            }
        }

        return bindings;
    }

    /// <summary>OpenDC's reader handles SNAPPY (its fixtures), ZSTD and uncompressed chunks.</summary>
    public static void CheckCodecs(ParquetFileReader reader, string file, FindingSink sink)
    {
        var metadata = reader.FileMetaData;
        var reported = new HashSet<int>();
        for (int g = 0; g < metadata.NumRowGroups; g++)
        {
            using var rowGroup = reader.RowGroup(g);
            for (int c = 0; c < metadata.NumColumns; c++)
            {
                using var chunk = rowGroup.MetaData.GetColumnChunkMetaData(c);
                var codec = chunk.Compression;
                if (codec is not (Compression.Snappy or Compression.Zstd or Compression.Uncompressed) && reported.Add(c))
                {
                    sink.Error(file, metadata.Schema.Column(c).Path.ToDotString(), null, "codec",
                        $"unsupported codec {codec} (row group {g}); use SNAPPY, ZSTD or none");
                }
            }
        }
    }

    private static bool CheckFlat(Node node, ColumnSpec spec, string file, FindingSink sink, out short entryDef)
    {
        entryDef = 0;
        if (node is not PrimitiveNode primitive)
        {
            sink.Error(file, spec.Name, null, "schema", $"is a group, expected {Describe(spec)}");
            return false;
        }

        bool usable = true;
        if (primitive.PhysicalType != spec.Type)
        {
            sink.Error(file, spec.Name, null, "schema",
                $"physical type {Name(primitive.PhysicalType)}, expected {Name(spec.Type)}: OpenDC's strictly typed reader fails");
            usable = false;
        }

        if (node.Repetition == Repetition.Repeated)
        {
            sink.Error(file, spec.Name, null, "schema", "is REPEATED, expected a single value per row");
            usable = false;
        }
        else if (spec.Required && node.Repetition != Repetition.Required)
        {
            sink.Error(file, spec.Name, null, "schema",
                "is OPTIONAL in the file but OpenDC requests it as REQUIRED and fails (nullable types and pandas/pyarrow defaults do this)");
        }

        CheckLogicalType(node, spec, file, sink);
        return usable;
    }

    private static void CheckLogicalType(Node node, ColumnSpec spec, string file, FindingSink sink)
    {
        using var logical = node.LogicalType;
        if (TableSpecs.IsMillisecondTime(spec.Name))
        {
            bool wrongUnit = logical is TimestampLogicalType { TimeUnit: not TimeUnit.Millis }
                || node.ConvertedType == ConvertedType.TimestampMicros;
            if (wrongUnit)
            {
                sink.Error(file, spec.Name, null, "schema",
                    $"annotated as {logical}, but OpenDC reads the raw INT64 as epoch milliseconds");
            }
        }
        else if (spec.Name == OpendcColumns.Name && spec.Type == PhysicalType.ByteArray
                 && logical is not StringLogicalType && node.ConvertedType != ConvertedType.UTF8)
        {
            sink.Warning(file, spec.Name, null, "schema", "BYTE_ARRAY without the UTF8/String annotation");
        }
    }

    /// <summary>optional group NAME (LIST) { repeated group list { [optional|required] int32 element } }.</summary>
    private static bool CheckList(Node node, ColumnSpec spec, string file, FindingSink sink, out short entryDef)
    {
        entryDef = 0;
        string? problem = null;
        if (node is not GroupNode outer)
        {
            problem = "is a primitive column, expected a LIST group";
        }
        else if (node.Repetition == Repetition.Repeated)
        {
            problem = "the LIST group is REPEATED, expected OPTIONAL";
        }
        else if (!IsListAnnotated(outer))
        {
            problem = "the group lacks the LIST annotation";
        }
        else if (outer.FieldCount != 1 || outer.Field(0) is not GroupNode middle
                 || middle.Repetition != Repetition.Repeated || middle.Name != OpendcColumns.ListGroupName)
        {
            problem = $"expected exactly one 'repeated group {OpendcColumns.ListGroupName}' inside the LIST (found {ChildNames(outer)}); OpenDC resolves these names exactly";
        }
        else if (middle.FieldCount != 1 || middle.Field(0) is not PrimitiveNode element
                 || element.Name != OpendcColumns.ListElementName || element.Repetition == Repetition.Repeated)
        {
            problem = $"expected one 'int32 {OpendcColumns.ListElementName}' inside '{OpendcColumns.ListGroupName}' (found {ChildNames(middle)}); OpenDC resolves these names exactly";
        }
        else if (element.PhysicalType != PhysicalType.Int32)
        {
            problem = $"list element physical type {Name(element.PhysicalType)}, expected INT32 (task ids)";
        }
        else
        {
            entryDef = (short)((node.Repetition == Repetition.Optional ? 1 : 0) + 1);
        }

        if (problem is not null)
        {
            sink.Error(file, spec.Name, null, "schema", problem);
            return false;
        }

        return true;
    }

    private static bool IsListAnnotated(GroupNode group)
    {
        using var logical = group.LogicalType;
        return logical is ListLogicalType || group.ConvertedType == ConvertedType.List;
    }

    private static string ChildNames(GroupNode group) =>
        group.FieldCount == 0 ? "nothing" : string.Join(", ", group.Fields.Select(f => $"{f.Repetition.ToString().ToLowerInvariant()} '{f.Name}'"));

    private static void ReportExtra(string name, string file, ColumnSpec[] specs, FindingSink sink)
    {
        var normalised = TableSpecs.Normalise(name);
        var legacyOf = Array.Find(specs, s => TableSpecs.Normalise(s.Name) == normalised);
        if (legacyOf is not null)
        {
            sink.Warning(file, name, null, "legacy column",
                $"legacy/camelCase column: OpenDC ignores it and reads '{legacyOf.Name}' only");
        }
        else
        {
            sink.Warning(file, name, null, "unknown column", "unknown column: OpenDC ignores it");
        }
    }

    private static string Describe(ColumnSpec spec) =>
        spec.Shape == ColumnShape.IntList ? "LIST of INT32" : $"{(spec.Required ? "REQUIRED" : "OPTIONAL")} {Name(spec.Type)}";

    internal static string Name(PhysicalType type) => type switch
    {
        PhysicalType.Int32 => "INT32",
        PhysicalType.Int64 => "INT64",
        PhysicalType.Int96 => "INT96",
        PhysicalType.Float => "FLOAT",
        PhysicalType.Double => "DOUBLE",
        PhysicalType.Boolean => "BOOLEAN",
        PhysicalType.ByteArray => "BYTE_ARRAY",
        PhysicalType.FixedLenByteArray => "FIXED_LEN_BYTE_ARRAY",
        _ => type.ToString(),
    };
}
