using ParquetSharp;
using Tracekit.Opendc.Validation;

namespace Tracekit.Opendc.Tests;

/// <summary>One row-level mutation per contract rule, each rejected at the right file, column and row.</summary>
public sealed class RowMutationTests
{
    [Fact]
    public void Validate_DuplicateTaskId_ErrorAtSecondRow()
    {
        using var workload = TestWorkload.Valid();
        workload.SetTask(new RequiredColumn<int>("id", PhysicalType.Int32, [1, 2, 2]));
        var report = workload.Validate();

        ReportAssert.HasError(report, "tasks.parquet", "id", 2, "duplicate task id 2 (first at tasks.parquet row 1)");
    }

    [Fact]
    public void Validate_FragmentOfUnknownTask_OrphanErrorAtFragmentRow()
    {
        using var workload = TestWorkload.Valid();
        workload.SetFragment(new RequiredColumn<int>("id", PhysicalType.Int32, [1, 1, 2, 3, 9]));
        var report = workload.Validate();

        ReportAssert.HasError(report, "fragments.parquet", "id", 4, "fragment id 9 is not a task id");
    }

    [Fact]
    public void Validate_TaskWithoutFragments_ErrorAtTaskRow()
    {
        using var workload = TestWorkload.Valid();
        workload.SetFragment(new RequiredColumn<int>("id", PhysicalType.Int32, [1, 1, 2, 2, 2]));
        var report = workload.Validate();

        ReportAssert.HasError(report, "tasks.parquet", "id", 2, "task 3 has no fragments");
    }

    [Fact]
    public void Validate_TaskDurationZero_ErrorAtRow()
    {
        using var workload = TestWorkload.Valid();
        workload.SetTask(new RequiredColumn<long>("duration", PhysicalType.Int64, [3000, 3000, 0]));

        var error = ReportAssert.OnlyError(workload.Validate(), "tasks.parquet", "duration", 2, "duration must be > 0 (got 0)");
        Assert.Equal("tasks.parquet:duration row 2: error: duration must be > 0 (got 0)", error.ToString());
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-5L)]
    public void Validate_FragmentDurationNotPositive_ErrorAtRow(long bad)
    {
        using var workload = TestWorkload.Valid();
        workload.SetFragment(new RequiredColumn<long>("duration", PhysicalType.Int64, [1000, 2000, 3000, bad, 500]));
        var report = workload.Validate();

        ReportAssert.HasError(report, "fragments.parquet", "duration", 3, $"duration must be > 0 (got {bad})");
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(-1.0)]
    public void Validate_FragmentUsageNegativeOrNotFinite_ErrorAtRow(double bad)
    {
        using var workload = TestWorkload.Valid();
        workload.SetFragment(new RequiredColumn<double>("cpu_usage", PhysicalType.Double, [500, bad, 1000, 0, 300]));

        ReportAssert.OnlyError(workload.Validate(), "fragments.parquet", "cpu_usage", 1, "cpu_usage must be finite and >= 0 MHz");
    }

    [Fact]
    public void Validate_CpuCountZero_ErrorAtRow()
    {
        using var workload = TestWorkload.Valid();
        workload.SetTask(new RequiredColumn<int>("cpu_count", PhysicalType.Int32, [1, 0, 4]));

        ReportAssert.OnlyError(workload.Validate(), "tasks.parquet", "cpu_count", 1, "cpu_count must be >= 1 (got 0)");
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-100.0)]
    public void Validate_CpuCapacityNegativeOrNaN_ErrorAtRow(double bad)
    {
        using var workload = TestWorkload.Valid();
        workload.SetTask(new RequiredColumn<double>("cpu_capacity", PhysicalType.Double, [bad, 4000, 8000]));

        ReportAssert.OnlyError(workload.Validate(), "tasks.parquet", "cpu_capacity", 0, "cpu_capacity must be finite");
    }

    [Fact]
    public void Validate_MemCapacityNegative_ErrorAtRow()
    {
        using var workload = TestWorkload.Valid();
        workload.SetTask(new RequiredColumn<long>("mem_capacity", PhysicalType.Int64, [1, 2, -3]));

        ReportAssert.OnlyError(workload.Validate(), "tasks.parquet", "mem_capacity", 2, "mem_capacity must be >= 0 (got -3)");
    }

    [Fact]
    public void Validate_ParentWithoutMirroredChild_ErrorAtListingRow()
    {
        using var workload = TestWorkload.Valid(withDependencies: true);
        workload.SetTask(new ListColumn("children", [[2], [], []]));

        ReportAssert.OnlyError(workload.Validate(), "tasks.parquet", "parents", 2,
            "task 3 lists parent 2, but task 2 does not list 3 in children");
    }

    [Fact]
    public void Validate_ChildWithoutMirroredParent_ErrorAtListingRow()
    {
        using var workload = TestWorkload.Valid(withDependencies: true);
        workload.SetTask(new ListColumn("children", [[2, 3], [3], []]));

        ReportAssert.OnlyError(workload.Validate(), "tasks.parquet", "children", 0,
            "task 1 lists child 3, but task 3 does not list 1 in parents");
    }

    [Fact]
    public void Validate_ParentNotATask_ErrorAtRow()
    {
        using var workload = TestWorkload.Valid(withDependencies: true);
        workload.SetTask(new ListColumn("parents", [[], [1], [2, 42]]));

        ReportAssert.OnlyError(workload.Validate(), "tasks.parquet", "parents", 2, "parent 42 is not a task id");
    }

    [Fact]
    public void Validate_ParentsWithoutChildrenColumn_MirrorErrors()
    {
        using var workload = TestWorkload.Valid(withDependencies: true);
        workload.Tasks.RemoveAll(c => c.Name == "children");
        var report = workload.Validate();

        ReportAssert.HasError(report, "tasks.parquet", "parents", 1, "task 2 lists parent 1, but task 1 does not list 2 in children");
        ReportAssert.HasError(report, "tasks.parquet", "parents", 2, "task 3 lists parent 2, but task 2 does not list 3 in children");
    }

    [Fact]
    public void Validate_DependencyCycle_Error()
    {
        using var workload = TestWorkload.Valid(withDependencies: true);
        workload.SetTask(new ListColumn("parents", [[3], [1], [2]]));
        workload.SetTask(new ListColumn("children", [[2], [3], [1]]));

        ReportAssert.OnlyError(workload.Validate(), "tasks.parquet", "parents", 0, "dependency cycle: 3 tasks can never become ready");
    }

    [Fact]
    public void Validate_SelfParent_Error()
    {
        using var workload = TestWorkload.Valid(withDependencies: true);
        workload.SetTask(new ListColumn("parents", [[1], [1], [2]]));
        workload.SetTask(new ListColumn("children", [[1, 2], [3], []]));
        var report = workload.Validate();

        ReportAssert.HasError(report, "tasks.parquet", "parents", 0, "task 1 lists itself as parent");
    }

    [Fact]
    public void Validate_NullListElement_ErrorAtRow()
    {
        using var workload = TestWorkload.Valid(withDependencies: true);
        workload.SetTask(new ListColumn("parents", [[], [1, int.MinValue], [2]]));

        ReportAssert.OnlyError(workload.Validate(), "tasks.parquet", "parents", 1, "null element in parents");
    }

    [Fact]
    public void Validate_NullListsInsteadOfEmpty_Accepted()
    {
        using var workload = TestWorkload.Valid(withDependencies: true);
        workload.SetTask(new ListColumn("parents", [null, [1], [2]]));
        workload.SetTask(new ListColumn("children", [[2], [3], null]));

        Assert.Empty(workload.Validate(strict: true).Findings);
    }

    [Fact]
    public void Validate_SubmissionTimeInSeconds_WarningAtRow()
    {
        using var workload = TestWorkload.Valid();
        workload.SetTask(new RequiredColumn<long>("submission_time", PhysicalType.Int64,
            [TestWorkload.BaseSubmissionMs, TestWorkload.BaseSubmissionMs / 1000, TestWorkload.BaseSubmissionMs]));

        ReportAssert.OnlyWarning(workload.Validate(), "tasks.parquet", "submission_time", 1, "is not plausible epoch ms");
    }

    [Fact]
    public void Validate_DurationDiffersFromFragmentSum_WarningAndStrictError()
    {
        using var workload = TestWorkload.Valid();
        workload.SetTask(new RequiredColumn<long>("duration", PhysicalType.Int64, [3000, 2999, 1000]));

        ReportAssert.OnlyWarning(workload.Validate(), "tasks.parquet", "duration", 1, "differs from the sum of its fragment durations 3000 ms");
        ReportAssert.OnlyError(OpendcValidator.Validate(workload.Dir, null, strict: true), "tasks.parquet", "duration", 1, "strict");
    }

    [Fact]
    public void Validate_BadRowInSecondRowGroup_ReportsGlobalRow()
    {
        using var workload = TestWorkload.Valid();
        workload.RowGroupRows = 2;
        workload.SetFragment(new RequiredColumn<double>("cpu_usage", PhysicalType.Double, [500, 700, 1000, -1, 300]));

        ReportAssert.OnlyError(workload.Validate(), "fragments.parquet", "cpu_usage", 3, "cpu_usage must be finite");
    }

    [Fact]
    public void Validate_ManyBadRows_ListsCapAndCountsTheRest()
    {
        using var workload = TestWorkload.Valid();
        const int Rows = 50;
        workload.SetFragment(new RequiredColumn<int>("id", PhysicalType.Int32, [1, 2, 3, .. Enumerable.Repeat(1, Rows - 3)]));
        workload.SetFragment(new RequiredColumn<long>("duration", PhysicalType.Int64, [3000, 3000, 1000, .. Enumerable.Repeat(0L, Rows - 3)]));
        workload.SetFragment(new RequiredColumn<double>("cpu_usage", PhysicalType.Double, Enumerable.Repeat(1.0, Rows).ToArray()));
        var report = workload.Validate();

        var listed = report.Findings.Where(f => f.Column == "duration" && f.Row is not null).ToList();
        Assert.Equal(20, listed.Count);
        Assert.Contains(report.Findings, f => f is { File: "fragments.parquet", Column: "duration", Row: null }
            && f.Message.Contains("27 more", StringComparison.Ordinal) && f.Message.Contains("(47 in all)", StringComparison.Ordinal));
        Assert.Equal(Rows, report.FragmentCount);
    }
}
