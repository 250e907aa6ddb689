using ParquetSharp;
using Tracekit.Opendc.Validation;

namespace Tracekit.Opendc.Tests;

/// <summary>
/// A small valid workload as editable columns: tests change exactly one thing, write it and validate, so each
/// finding can be traced to that one change (the unchanged baseline has no findings even with strict).
/// </summary>
internal sealed class TestWorkload : IDisposable
{
    public const long BaseSubmissionMs = 1_700_000_000_000; // 2023-11-14, plausible epoch ms

    private TestWorkload(bool withDependencies)
    {
        Dir = Directory.CreateTempSubdirectory("tracekit-opendc-").FullName;
        Tasks =
        [
            new RequiredColumn<int>("id", PhysicalType.Int32, [1, 2, 3]),
            new RequiredColumn<long>("submission_time", PhysicalType.Int64, [BaseSubmissionMs, BaseSubmissionMs + 10, BaseSubmissionMs + 20]),
            new RequiredColumn<long>("duration", PhysicalType.Int64, [3000, 3000, 1000]),
            new RequiredColumn<int>("cpu_count", PhysicalType.Int32, [1, 2, 4]),
            new RequiredColumn<double>("cpu_capacity", PhysicalType.Double, [2000, 4000, 8000]),
            new RequiredColumn<long>("mem_capacity", PhysicalType.Int64, [1_024_000, 2_048_000, 4_096_000]),
            new StringColumn("name", ["a", null, "c"]),
        ];
        if (withDependencies)
        {
            Tasks.Add(new ListColumn("parents", [[], [1], [2]]));
            Tasks.Add(new ListColumn("children", [[2], [3], []]));
        }

        Fragments =
        [
            new RequiredColumn<int>("id", PhysicalType.Int32, [1, 1, 2, 3, 3]),
            new RequiredColumn<long>("duration", PhysicalType.Int64, [1000, 2000, 3000, 500, 500]),
            new RequiredColumn<double>("cpu_usage", PhysicalType.Double, [500, 700, 1000, 0, 300]),
        ];
    }

    public string Dir { get; }

    public List<TestColumn> Tasks { get; }

    public List<TestColumn> Fragments { get; }

    public Compression Codec { get; set; } = Compression.Snappy;

    public int RowGroupRows { get; set; } = int.MaxValue;

    public static TestWorkload Valid(bool withDependencies = false) => new(withDependencies);

    public TestWorkload SetTask(TestColumn column) => Set(Tasks, column);

    public TestWorkload SetFragment(TestColumn column) => Set(Fragments, column);

    public string TasksPath => Path.Combine(Dir, "tasks.parquet");

    public string FragmentsPath => Path.Combine(Dir, "fragments.parquet");

    /// <summary>Writes both tables (unless a test already put something else in place) and validates.</summary>
    public ValidationReport Validate(bool strict = false, string? topologyPath = null)
    {
        if (!Path.Exists(TasksPath))
        {
            TestParquet.Write(TasksPath, Tasks, Codec, RowGroupRows);
        }

        if (!Path.Exists(FragmentsPath))
        {
            TestParquet.Write(FragmentsPath, Fragments, Codec, RowGroupRows);
        }

        return OpendcValidator.Validate(Dir, topologyPath, strict);
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);

    private TestWorkload Set(List<TestColumn> table, TestColumn column)
    {
        int index = table.FindIndex(c => c.Name == column.Name);
        if (index >= 0)
        {
            table[index] = column;
        }
        else
        {
            table.Add(column);
        }

        return this;
    }
}

internal static class ReportAssert
{
    /// <summary>Asserts the report's only error is the expected one (file, column, row, message part).</summary>
    public static Finding OnlyError(ValidationReport report, string file, string? column, long? row, string messagePart)
    {
        Assert.True(report.HasErrors, "expected the workload to be rejected");
        var errors = report.Findings.Where(f => f.Severity == Severity.Error).ToList();
        var error = Assert.Single(errors);
        AssertMatches(error, file, column, row, messagePart);
        return error;
    }

    /// <summary>Asserts some error is the expected one.</summary>
    public static Finding HasError(ValidationReport report, string file, string? column, long? row, string messagePart)
    {
        Assert.True(report.HasErrors, "expected the workload to be rejected");
        var match = report.Findings.FirstOrDefault(f =>
            f.Severity == Severity.Error && f.File == file && f.Column == column && f.Row == row && f.Message.Contains(messagePart, StringComparison.Ordinal));
        Assert.True(match is not null, $"no error {file}:{column} row {row} '{messagePart}' in:{Environment.NewLine}{report}");
        return match!;
    }

    public static Finding OnlyWarning(ValidationReport report, string file, string? column, long? row, string messagePart)
    {
        Assert.False(report.HasErrors, report.ToString());
        var warning = Assert.Single(report.Findings);
        Assert.Equal(Severity.Warning, warning.Severity);
        AssertMatches(warning, file, column, row, messagePart);
        return warning;
    }

    private static void AssertMatches(Finding finding, string file, string? column, long? row, string messagePart)
    {
        Assert.Equal(file, finding.File);
        Assert.Equal(column, finding.Column);
        Assert.Equal(row, finding.Row);
        Assert.Contains(messagePart, finding.Message, StringComparison.Ordinal);
    }
}
