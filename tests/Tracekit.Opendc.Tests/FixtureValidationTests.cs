using Tracekit.Opendc.Validation;
using Xunit.Abstractions;

namespace Tracekit.Opendc.Tests;

/// <summary>The validator against OpenDC's own fixtures (../shared/fixtures/opendc).</summary>
public sealed class FixtureValidationTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData("single_task", 1, 1)]
    [InlineData("workflow_example", 4, 4)]
    [InlineData("100_tasks", 100, 100)]
    [InlineData("bitbrains-small", 50, 276_979)]
    public void Validate_OpendcValidFixture_HasNoErrors(string name, int tasks, long fragments)
    {
        Skip.If(SharedFixtures.OpendcRoot is null, SharedFixtures.SkipReason);
        var report = OpendcValidator.Validate(SharedFixtures.Valid(name), null, strict: false);
        output.WriteLine(report.ToString());

        Assert.False(report.HasErrors, report.ToString());
        Assert.Equal(tasks, report.TaskCount);
        Assert.Equal(fragments, report.FragmentCount);
    }

    [SkippableFact]
    public void Validate_ValidFixtureFolders_AreAllAccepted()
    {
        Skip.If(SharedFixtures.OpendcRoot is null, SharedFixtures.SkipReason);
        var folders = Directory.GetDirectories(Path.Combine(SharedFixtures.OpendcRoot!, "valid"));

        Assert.NotEmpty(folders);
        Assert.All(folders, folder => Assert.False(OpendcValidator.Validate(folder, null, strict: false).HasErrors, folder));
    }

    [SkippableTheory]
    [InlineData("single_task", 1)]
    [InlineData("bitbrains-small", 50)]
    public void Validate_FixtureWithDurationNotFragmentSum_WarnsPerTask(string name, int expectedWarnings)
    {
        Skip.If(SharedFixtures.OpendcRoot is null, SharedFixtures.SkipReason);
        var report = OpendcValidator.Validate(SharedFixtures.Valid(name), null, strict: false);
        var mismatches = report.Findings
            .Where(f => f.Severity == Severity.Warning && f.Column == "duration" && f.Message.Contains("sum of its fragment durations"))
            .ToList();

        // The sink lists at most FindingSink.MaxPerRule rows per rule and counts the rest in one summary line.
        Assert.Equal(Math.Min(expectedWarnings, 20), mismatches.Count);
        Assert.All(mismatches, f => Assert.Equal("tasks.parquet", f.File));
        if (expectedWarnings > 20)
        {
            Assert.Contains(report.Findings, f => f.Row is null && f.Message.Contains($"({expectedWarnings} in all)"));
        }
    }

    [SkippableFact]
    public void Validate_SingleTaskFixture_ReportsRowAndValues()
    {
        Skip.If(SharedFixtures.OpendcRoot is null, SharedFixtures.SkipReason);
        var report = OpendcValidator.Validate(SharedFixtures.Valid("single_task"), null, strict: false);
        var finding = Assert.Single(report.Findings);

        Assert.Equal(
            "tasks.parquet:duration row 0: warning: task 0: duration 1000 ms differs from the sum of its fragment durations 3000000 ms (OpenDC plays the fragments)",
            finding.ToString());
    }

    [SkippableFact]
    public void Validate_SingleTaskFixtureStrict_TurnsWarningIntoError()
    {
        Skip.If(SharedFixtures.OpendcRoot is null, SharedFixtures.SkipReason);
        var report = OpendcValidator.Validate(SharedFixtures.Valid("single_task"), null, strict: true);

        Assert.True(report.HasErrors);
        Assert.Equal(Severity.Error, Assert.Single(report.Findings).Severity);
    }

    [SkippableFact]
    public void Validate_StringIdsFixture_RejectedWithSchemaErrorOnId()
    {
        Skip.If(SharedFixtures.OpendcRoot is null, SharedFixtures.SkipReason);
        var report = OpendcValidator.Validate(SharedFixtures.Invalid("trace-v2.1-string-ids"), null, strict: false);
        output.WriteLine(report.ToString());

        Assert.True(report.HasErrors);
        Assert.Contains(report.Findings, f => f is { Severity: Severity.Error, File: "tasks.parquet", Column: "id", Row: null }
            && f.Message.Contains("BYTE_ARRAY, expected INT32"));
        Assert.Contains(report.Findings, f => f is { Severity: Severity.Error, File: "fragments.parquet", Column: "id" });
    }

    [SkippableFact]
    public void Validate_InvalidFixtureFolders_AreAllRejected()
    {
        Skip.If(SharedFixtures.OpendcRoot is null, SharedFixtures.SkipReason);
        var folders = Directory.GetDirectories(Path.Combine(SharedFixtures.OpendcRoot!, "invalid"));

        Assert.NotEmpty(folders);
        Assert.All(folders, folder => Assert.True(OpendcValidator.Validate(folder, null, strict: false).HasErrors, folder));
    }

    [SkippableFact]
    public void Validate_SurfsaraTopology_IsAccepted()
    {
        Skip.If(SharedFixtures.OpendcRoot is null, SharedFixtures.SkipReason);
        var report = OpendcValidator.Validate(
            SharedFixtures.Valid("bitbrains-small"), SharedFixtures.Topology("surfsara.json"), strict: false);
        output.WriteLine(report.ToString());

        Assert.False(report.HasErrors, report.ToString());
        Assert.DoesNotContain(report.Findings, f => f.File == "surfsara.json");
    }
}
