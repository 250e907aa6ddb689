using ParquetSharp;

namespace Tracekit.Opendc.Tests;

/// <summary>One schema mutation per contract rule, each rejected with the right file and column.</summary>
public sealed class SchemaMutationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Validate_Baseline_HasNoFindingsEvenStrict(bool withDependencies)
    {
        using var workload = TestWorkload.Valid(withDependencies);
        var report = workload.Validate(strict: true);

        Assert.Empty(report.Findings);
        Assert.Equal(3, report.TaskCount);
        Assert.Equal(5, report.FragmentCount);
    }

    [Fact]
    public void Validate_TaskIdInt64_SchemaErrorOnId()
    {
        using var workload = TestWorkload.Valid();
        workload.SetTask(new RequiredColumn<long>("id", PhysicalType.Int64, [1, 2, 3]));

        ReportAssert.OnlyError(workload.Validate(), "tasks.parquet", "id", null, "physical type INT64, expected INT32");
    }

    [Fact]
    public void Validate_CpuCountInt64_SchemaErrorOnCpuCount()
    {
        using var workload = TestWorkload.Valid();
        workload.SetTask(new RequiredColumn<long>("cpu_count", PhysicalType.Int64, [1, 2, 4]));

        ReportAssert.OnlyError(workload.Validate(), "tasks.parquet", "cpu_count", null, "INT64, expected INT32");
    }

    [Fact]
    public void Validate_FragmentCpuUsageFloat_SchemaErrorOnCpuUsage()
    {
        using var workload = TestWorkload.Valid();
        workload.SetFragment(new RequiredColumn<float>("cpu_usage", PhysicalType.Float, [500, 700, 1000, 0, 300]));

        ReportAssert.OnlyError(workload.Validate(), "fragments.parquet", "cpu_usage", null, "physical type FLOAT, expected DOUBLE");
    }

    [Fact]
    public void Validate_SubmissionTimeInt96_SchemaError()
    {
        using var workload = TestWorkload.Valid();
        var int96 = Enumerable.Repeat(new Int96(0, 0, 2_460_000), 3).ToArray();
        workload.SetTask(new RequiredColumn<Int96>("submission_time", PhysicalType.Int96, int96));

        ReportAssert.OnlyError(workload.Validate(), "tasks.parquet", "submission_time", null, "INT96, expected INT64");
    }

    [Fact]
    public void Validate_DurationOptionalWithoutNulls_SchemaErrorOnDuration()
    {
        using var workload = TestWorkload.Valid();
        workload.SetTask(new OptionalColumn<long>("duration", PhysicalType.Int64, [3000, 3000, 1000]));

        ReportAssert.OnlyError(workload.Validate(), "tasks.parquet", "duration", null, "is OPTIONAL in the file");
    }

    [Fact]
    public void Validate_FragmentDurationOptionalWithNull_SchemaErrorAndRowError()
    {
        using var workload = TestWorkload.Valid();
        workload.SetFragment(new OptionalColumn<long>("duration", PhysicalType.Int64, [1000, 2000, 3000, null, 500]));
        var report = workload.Validate();

        ReportAssert.HasError(report, "fragments.parquet", "duration", null, "is OPTIONAL in the file");
        ReportAssert.HasError(report, "fragments.parquet", "duration", 3, "null in a column OpenDC requires");
    }

    [Fact]
    public void Validate_MissingCpuCount_MissingColumnError()
    {
        using var workload = TestWorkload.Valid();
        workload.Tasks.RemoveAll(c => c.Name == "cpu_count");

        ReportAssert.OnlyError(workload.Validate(), "tasks.parquet", "cpu_count", null, "missing required column");
    }

    [Theory]
    [InlineData("tasks.parquet", "id")]
    [InlineData("tasks.parquet", "submission_time")]
    [InlineData("tasks.parquet", "duration")]
    [InlineData("tasks.parquet", "cpu_count")]
    [InlineData("tasks.parquet", "cpu_capacity")]
    [InlineData("tasks.parquet", "mem_capacity")]
    [InlineData("fragments.parquet", "id")]
    [InlineData("fragments.parquet", "duration")]
    [InlineData("fragments.parquet", "cpu_usage")]
    public void Validate_AnyRequiredColumnMissing_IsAnError(string file, string column)
    {
        using var workload = TestWorkload.Valid();
        (file == "tasks.parquet" ? workload.Tasks : workload.Fragments).RemoveAll(c => c.Name == column);

        ReportAssert.HasError(workload.Validate(), file, column, null, "missing required column");
    }

    [Fact]
    public void Validate_ListElementNamedItem_SchemaErrorOnParents()
    {
        using var workload = TestWorkload.Valid(withDependencies: true);
        workload.SetTask(new ListColumn("parents", [[], [1], [2]], ElementName: "item"));

        ReportAssert.OnlyError(workload.Validate(), "tasks.parquet", "parents", null, "expected one 'int32 element'");
    }

    [Fact]
    public void Validate_ListGroupNamedBag_SchemaErrorOnChildren()
    {
        using var workload = TestWorkload.Valid(withDependencies: true);
        workload.SetTask(new ListColumn("children", [[2], [3], []], ListName: "bag"));

        ReportAssert.OnlyError(workload.Validate(), "tasks.parquet", "children", null, "'repeated group list'");
    }

    [Fact]
    public void Validate_SubmissionTimeTimestampMicros_SchemaError()
    {
        using var workload = TestWorkload.Valid();
        long b = TestWorkload.BaseSubmissionMs;
        workload.SetTask(new AnnotatedColumn<long>("submission_time", PhysicalType.Int64, [b, b, b],
            () => LogicalType.Timestamp(true, TimeUnit.Micros)));

        ReportAssert.OnlyError(workload.Validate(), "tasks.parquet", "submission_time", null, "epoch milliseconds");
    }

    [Fact]
    public void Validate_SubmissionTimeTimestampMillis_IsAccepted()
    {
        using var workload = TestWorkload.Valid();
        long b = TestWorkload.BaseSubmissionMs;
        workload.SetTask(new AnnotatedColumn<long>("submission_time", PhysicalType.Int64, [b, b, b],
            () => LogicalType.Timestamp(true, TimeUnit.Millis)));

        Assert.Empty(workload.Validate(strict: true).Findings);
    }

    [Fact]
    public void Validate_GzipCodec_UnsupportedCodecError()
    {
        using var workload = TestWorkload.Valid();
        workload.Codec = Compression.Gzip;
        var report = workload.Validate();

        ReportAssert.HasError(report, "tasks.parquet", "id", null, "unsupported codec Gzip");
        ReportAssert.HasError(report, "fragments.parquet", "cpu_usage", null, "unsupported codec Gzip");
    }

    [Theory]
    [InlineData(Compression.Uncompressed)]
    [InlineData(Compression.Zstd)]
    public void Validate_UncompressedOrZstd_IsAccepted(Compression codec)
    {
        using var workload = TestWorkload.Valid();
        workload.Codec = codec;

        Assert.Empty(workload.Validate(strict: true).Findings);
    }

    [Fact]
    public void Validate_LegacyCamelCaseColumn_Warning()
    {
        using var workload = TestWorkload.Valid();
        long b = TestWorkload.BaseSubmissionMs;
        workload.SetTask(new RequiredColumn<long>("submissionTime", PhysicalType.Int64, [b, b, b]));

        ReportAssert.OnlyWarning(workload.Validate(), "tasks.parquet", "submissionTime", null, "reads 'submission_time' only");
    }

    [Fact]
    public void Validate_UnknownColumn_WarningAndStrictError()
    {
        using var workload = TestWorkload.Valid();
        workload.SetFragment(new RequiredColumn<int>("cpu_count", PhysicalType.Int32, [1, 1, 1, 1, 1]));

        ReportAssert.OnlyWarning(workload.Validate(), "fragments.parquet", "cpu_count", null, "unknown column");
        ReportAssert.OnlyError(OpendcValidatorStrict(workload), "fragments.parquet", "cpu_count", null, "made an error by strict");
    }

    private static Validation.ValidationReport OpendcValidatorStrict(TestWorkload workload) =>
        Validation.OpendcValidator.Validate(workload.Dir, null, strict: true);
}
