using ParquetSharp;
using Tracekit.Opendc.Validation;

namespace Tracekit.Opendc.Tests;

/// <summary>Tables given as folders of part files, and files that are not parquet at all.</summary>
public sealed class FileLayoutTests
{
    [Fact]
    public void Validate_FragmentsAsFolderOfParts_ReadsEveryPart()
    {
        using var workload = TestWorkload.Valid();
        Directory.CreateDirectory(workload.FragmentsPath);
        WriteFragments(Path.Combine(workload.FragmentsPath, "part-00000.parquet"), [1, 1, 2], [1000, 2000, 3000]);
        WriteFragments(Path.Combine(workload.FragmentsPath, "part-00001.parquet"), [3, 3], [500, 500]);
        var report = workload.Validate(strict: true);

        Assert.Empty(report.Findings);
        Assert.Equal(5, report.FragmentCount);
    }

    [Theory]
    [InlineData("_SUCCESS", "_SUCCESS marker")]
    [InlineData(".part-00000.parquet.crc", ".crc checksum file")]
    [InlineData("README.txt", "without the PAR1 magic")]
    public void Validate_NonParquetFileInPartFolder_ErrorNamingTheFile(string extraFile, string why)
    {
        using var workload = TestWorkload.Valid();
        Directory.CreateDirectory(workload.FragmentsPath);
        WriteFragments(Path.Combine(workload.FragmentsPath, "part-00000.parquet"), [1, 1, 2, 3, 3], [1000, 2000, 3000, 500, 500]);
        File.WriteAllBytes(Path.Combine(workload.FragmentsPath, extraFile), extraFile == "_SUCCESS" ? [] : "not parquet at all"u8.ToArray());

        ReportAssert.OnlyError(workload.Validate(), "fragments.parquet/" + extraFile, null, null, why);
    }

    [Fact]
    public void Validate_TaskFragmentsSplitAcrossParts_Warning()
    {
        using var workload = TestWorkload.Valid();
        Directory.CreateDirectory(workload.FragmentsPath);
        WriteFragments(Path.Combine(workload.FragmentsPath, "part-00000.parquet"), [1, 2, 3], [1000, 3000, 500]);
        WriteFragments(Path.Combine(workload.FragmentsPath, "part-00001.parquet"), [1, 3], [2000, 500]);
        var report = workload.Validate();

        Assert.False(report.HasErrors, report.ToString());
        Assert.Equal(2, report.Findings.Count);
        Assert.All(report.Findings, f => Assert.Equal("fragments.parquet/part-00001.parquet", f.File));
        Assert.Contains(report.Findings, f => f is { Column: "id", Row: 0 } && f.Message.Contains("fragments of task 1 span several part files"));
    }

    [Fact]
    public void Validate_EmptyPartFolder_Error()
    {
        using var workload = TestWorkload.Valid();
        Directory.CreateDirectory(workload.TasksPath);

        ReportAssert.OnlyError(workload.Validate(), "tasks.parquet", null, null, "part-file folder is empty");
    }

    [Fact]
    public void Validate_MissingFragments_ErrorAndNoCascade()
    {
        using var workload = TestWorkload.Valid();
        TestParquet.Write(workload.TasksPath, workload.Tasks);

        var report = OpendcValidator.Validate(workload.Dir, null, strict: false);

        ReportAssert.OnlyError(report, "fragments.parquet", null, null, "missing");
    }

    [Fact]
    public void Validate_TruncatedParquetFile_ErrorNotCrash()
    {
        using var workload = TestWorkload.Valid();
        TestParquet.Write(workload.FragmentsPath, workload.Fragments);
        var bytes = File.ReadAllBytes(workload.FragmentsPath);
        File.WriteAllBytes(workload.FragmentsPath, bytes[..(bytes.Length / 2)]);

        var report = workload.Validate();

        ReportAssert.HasError(report, "fragments.parquet", null, null, "not a parquet file");
    }

    [Fact]
    public void Validate_CorruptFooterWithMagic_ErrorNotCrash()
    {
        using var workload = TestWorkload.Valid();
        byte[] garbage = [.. "PAR1"u8, .. Enumerable.Repeat((byte)0xAB, 64), 0x10, 0, 0, 0, .. "PAR1"u8];
        File.WriteAllBytes(workload.TasksPath, garbage);

        var report = workload.Validate();

        ReportAssert.HasError(report, "tasks.parquet", null, null, "cannot read");
    }

    [Fact]
    public void Validate_MissingWorkloadFolder_Error()
    {
        var report = OpendcValidator.Validate(Path.Combine(Path.GetTempPath(), "tracekit-no-such-" + Guid.NewGuid()), null, strict: false);

        Assert.True(report.HasErrors);
        Assert.Contains("workload folder not found", Assert.Single(report.Findings).Message);
    }

    private static void WriteFragments(string path, int[] ids, long[] durationsMs) => TestParquet.Write(path,
    [
        new RequiredColumn<int>("id", PhysicalType.Int32, ids),
        new RequiredColumn<long>("duration", PhysicalType.Int64, durationsMs),
        new RequiredColumn<double>("cpu_usage", PhysicalType.Double, Enumerable.Repeat(100.0, ids.Length).ToArray()),
    ]);
}
