using System.Text.RegularExpressions;
using Tracekit.Convert.Cli;
using Tracekit.Convert.Tests.Support;
using Tracekit.Testing;

namespace Tracekit.Convert.Tests;

/// <summary>
/// The converter's error paths: each exits with its documented code and prints a sentence naming the input and
/// the fix, with no .NET type name, exception name or resource key in it.
/// </summary>
public sealed partial class CliErrorMessageTests : IDisposable
{
    private readonly TestRun _run = new();

    public void Dispose() => _run.Dispose();

    [GeneratedRegex(@"\b[A-Z][A-Za-z0-9]*_[A-Z][A-Za-z0-9_]*\b")]
    private static partial Regex ResourceKey();

    public static TheoryData<string[], ReturnCode, string> ErrorPaths() => new()
    {
        { ["opendc", "--run-dir", "/nonexistent-run", "--merge-below-mhz", "abc"], ReturnCode.ArgumentError, "abc" },
        { ["opendc", "--run-dir", "/nonexistent-run", "--merge-below-mhz", "-1"], ReturnCode.ArgumentError, "--merge-below-mhz" },
        { ["opendc", "--run-dir", "/nonexistent-run", "--tasks", "jobs"], ReturnCode.ArgumentError, "jobs" },
        { ["cctf", "--run-dir", "/nonexistent-run"], ReturnCode.RunNotFound, "/nonexistent-run" },
        { ["opendc", "--run-dir", "/nonexistent-run"], ReturnCode.RunNotFound, "/nonexistent-run" },
        { ["validate-opendc", "/nonexistent-workload"], ReturnCode.ArgumentError, "/nonexistent-workload" },
        { ["import", "nginx", "--log", "/nonexistent.log", "--run-dir", "/tmp", "--node-id", "n"], ReturnCode.ArgumentError, "/nonexistent.log" },
        { ["import", "nginx", "--log", "/etc/hostname", "--run-dir", "/tmp", "--node-id", "n", "--format", "apache"], ReturnCode.ArgumentError, "apache" },
    };

    [Theory]
    [MemberData(nameof(ErrorPaths))]
    public void TracekitConvert_BadInput_ExitCodeAndASentenceNamingTheInput(string[] args, ReturnCode expected, string named)
    {
        var (code, console) = CapturingConsole.Run(args);
        AssertReadable(console.ErrorText, named);
        Assert.True((int)expected == code, $"exit {code}, expected {(int)expected}: {console.ErrorText}");
    }

    [SkippableFact]
    public void ImportNginx_FullDisk_SaysSoWithoutAdvisingAnOptionImportLacks()
    {
        using var disk = SmallTmpfs.Mount(Path.Combine(_run.Root, "disk"), "256k");
        string log = Path.Combine(_run.Root, "access.log");
        var line = "1720000000.123 0.001 200 100 512 4242 0123456789abcdef0123456789abcdef \"GET\" \"/x\" \"-\"";
        File.WriteAllLines(log, Enumerable.Repeat(line, 20_000));

        var (code, console) = CapturingConsole.Run("import", "nginx", "--log", log, "--run-dir", Path.Combine(disk.Path, "r"), "--node-id", "n", "--format", "tracekit");

        Assert.Equal((int)ReturnCode.OutputError, code);
        AssertReadable(console.ErrorText, disk.Path);
        // import has no --ring-size, --max-size or capacity to choose: the fix is space.
        Assert.DoesNotContain("capacity", console.ErrorText);
        Assert.DoesNotContain("--ring-size", console.ErrorText);
        Assert.Contains("Free some space", console.ErrorText);
    }

    private static void AssertReadable(string stderr, string named)
    {
        Assert.Contains(named, stderr);
        Assert.DoesNotContain("System.", stderr);
        Assert.DoesNotContain("Exception", stderr);
        Assert.False(ResourceKey().IsMatch(stderr), $"a resource key in: {stderr}");
    }
}
