using Tracekit.Convert.Cli;
using Tracekit.Convert.Tests.Support;

namespace Tracekit.Convert.Tests;

public sealed class ValidateOpendcCommandTests
{
    [SkippableTheory]
    [InlineData("valid/100_tasks")]
    [InlineData("valid/single_task")]
    [InlineData("valid/workflow_example")]
    public void ValidateOpendc_ValidFixture_ExitsZero(string fixture)
    {
        var (code, console) = CapturingConsole.Run("validate-opendc", SharedFolder.OpendcFixture(fixture));
        Assert.Equal((int)ReturnCode.Ok, code);
        Assert.Contains("valid: 0 error(s)", console.OutText);
    }

    [SkippableFact]
    public void ValidateOpendc_InvalidFixture_ExitsValidationFailedAndNamesFileAndColumn()
    {
        var (code, console) = CapturingConsole.Run("validate-opendc", SharedFolder.OpendcFixture("invalid/trace-v2.1-string-ids"));
        Assert.Equal((int)ReturnCode.ValidationFailed, code);
        Assert.Contains("fragments.parquet:id: error:", console.OutText);
        Assert.Contains("INVALID", console.OutText);
    }

    [SkippableFact]
    public void ValidateOpendc_StrictWithWarnings_ExitsValidationFailed()
    {
        string fixture = SharedFolder.OpendcFixture("valid/single_task"); // its duration differs from its fragment: a warning
        Assert.Equal((int)ReturnCode.Ok, CapturingConsole.Run("validate-opendc", fixture).ExitCode);
        var (code, console) = CapturingConsole.Run("validate-opendc", fixture, "--strict");
        Assert.Equal((int)ReturnCode.ValidationFailed, code);
        Assert.Contains("made an error by strict", console.OutText);
    }

    [SkippableFact]
    public void ValidateOpendc_WithTopology_ChecksTheTopologyToo()
    {
        string workload = SharedFolder.OpendcFixture("valid/100_tasks");
        string topology = SharedFolder.OpendcFixture("topology/surfsara.json");
        var (code, console) = CapturingConsole.Run("validate-opendc", workload, "--topology", topology);
        Assert.Equal((int)ReturnCode.Ok, code);
        Assert.Contains("100 tasks", console.OutText);
    }

    [Fact]
    public void ValidateOpendc_MissingFolder_ArgumentErrorWithoutStackTrace()
    {
        var (code, console) = CapturingConsole.Run("validate-opendc", "/nonexistent/workload");
        Assert.Equal((int)ReturnCode.ArgumentError, code);
        Assert.Contains("does not exist", console.ErrorText);
        Assert.DoesNotContain("   at ", console.ErrorText);
    }

    [Fact]
    public void ValidateOpendc_NoFolderArgument_ArgumentError()
    {
        Assert.Equal((int)ReturnCode.ArgumentError, CapturingConsole.Run("validate-opendc").ExitCode);
    }
}
