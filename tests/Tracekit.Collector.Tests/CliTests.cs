namespace Tracekit.Collector.Tests;

/// <summary>The command line contract of docs/cli.md: help, argument errors (exit 2, naming the culprit), exit codes.</summary>
public sealed class CliTests : IDisposable
{
    private readonly TempDir _dir = new("tk-cli");
    private readonly ITestOutputHelper _output;

    public CliTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData]
    [InlineData("collect")]
    [InlineData("run")]
    [InlineData("status")]
    [InlineData("stop")]
    [InlineData("selfcheck")]
    public void Help_AnyCommand_ExitsZeroWithUsage(params string[] command)
    {
        var (code, stdout, stderr) = TracekitBinary.Run([.. command, "--help"]);

        Assert.True(code == 0, $"exit {code}; stderr: {stderr}");
        Assert.Contains("Usage:", stdout);
        Assert.Contains("--help", stdout);
        if (command.Length == 0)
            foreach (var name in new[] { "collect", "run", "status", "stop", "selfcheck" }) Assert.Contains(name, stdout);
    }

    [Fact]
    public void Collect_UnknownFlag_ExitsTwoNamingIt()
    {
        var (code, _, stderr) = TracekitBinary.Run("collect", "--run-id", "r", "--out", _dir.Path, "--bogus-flag", "1");

        Assert.Equal(2, code);
        Assert.Contains("--bogus-flag", stderr);
    }

    [Fact]
    public void Collect_MissingRunId_ExitsTwoNamingIt()
    {
        var (code, _, stderr) = TracekitBinary.Run("collect", "--out", _dir.Path, "--duration", "1s");

        Assert.Equal(2, code);
        Assert.Contains("--run-id", stderr);
    }

    [Theory]
    [InlineData("--interval", "soon")]
    [InlineData("--interval", "10parsecs")]
    [InlineData("--interval", "0ms")]
    [InlineData("--duration", "forever")]
    [InlineData("--ring-size", "3MiB")]
    [InlineData("--ring-size", "16KiB")]
    [InlineData("--policy", "maybe")]
    [InlineData("--max-size", "lots")]
    [InlineData("--pid", "0")]
    [InlineData("--pid", "abc")]
    [InlineData("--match", "(unclosed")]
    [InlineData("--run-id", "../escape")]
    [InlineData("--node-id", "a/b")]
    [InlineData("--cgroup", "/tracekit-no-such-cgroup-3f9a")]
    [InlineData("--container", "tracekit-no-such-container-3f9a")]
    [InlineData("--host-interval", "15ms")]
    [InlineData("--host-interval", "150ms")]
    [InlineData("--priority", "urgent")]
    [InlineData("--dotnet-buffer", "8")] // without --dotnet
    [InlineData("--dotnet-buffer", "lots")]
    public void Collect_BadValue_ExitsTwoNamingTheFlag(string flag, string value)
    {
        string[] args = flag == "--run-id"
            ? ["collect", "--run-id", value, "--out", _dir.Path, "--duration", "1s"]
            : ["collect", "--run-id", "bad-value", "--out", _dir.Path, "--duration", "1s", flag, value];

        var (code, _, stderr) = TracekitBinary.Run(args);

        _output.WriteLine(stderr);
        Assert.True(code == 2, $"exit {code} for {flag} {value}; stderr: {stderr}");
        Assert.Contains(flag, stderr);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1025")]
    public void Collect_DotnetBufferOutOfRange_ExitsTwoNamingTheRange(string sizeInMb)
    {
        var (code, _, stderr) = TracekitBinary.Run(
            "collect", "--run-id", "bad-buffer", "--out", _dir.Path, "--duration", "1s", "--dotnet", "--dotnet-buffer", sizeInMb);

        _output.WriteLine(stderr);
        Assert.Equal(2, code);
        Assert.Contains($"--dotnet-buffer {sizeInMb} is not a size in MiB from 1 to 1024", stderr);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0.1")]
    [InlineData("1.5")]
    [InlineData("10%")]
    [InlineData("abc")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    public void Collect_DotnetRequestSampleNotARatio_ExitsTwoNamingTheFlag(string ratio)
    {
        var (code, _, stderr) = TracekitBinary.Run(
            "collect", "--run-id", "bad-ratio", "--out", _dir.Path, "--duration", "1s", "--dotnet", "--dotnet-request-sample", ratio);

        _output.WriteLine(stderr);
        Assert.Equal(2, code);
        Assert.Contains($"--dotnet-request-sample '{ratio}' is not a ratio above 0 and at most 1", stderr);
    }

    [Theory]
    [InlineData("--dotnet-request-sample", "0.1")] // without --dotnet
    [InlineData("--dotnet-sources", "metrics,nonsense")]
    [InlineData("--dotnet-sources", "requests,requests-lean")]
    public void Collect_BadDotnetRequestOptions_ExitsTwoNamingTheFlag(string flag, string value)
    {
        string[] args = flag == "--dotnet-request-sample"
            ? ["collect", "--run-id", "bad-dotnet", "--out", _dir.Path, "--duration", "1s", flag, value]
            : ["collect", "--run-id", "bad-dotnet", "--out", _dir.Path, "--duration", "1s", "--dotnet", flag, value];

        var (code, _, stderr) = TracekitBinary.Run(args);

        _output.WriteLine(stderr);
        Assert.Equal(2, code);
        Assert.Contains(flag, stderr);
    }

    [Fact]
    public void Collect_DotnetRequestSampleWithLeanOnly_ExitsTwoSayingItNeedsRequests()
    {
        var (code, _, stderr) = TracekitBinary.Run(
            "collect", "--run-id", "bad-lean", "--out", _dir.Path, "--duration", "1s", "--dotnet", "--dotnet-sources", "requests-lean",
            "--dotnet-request-sample", "0.5");

        _output.WriteLine(stderr);
        Assert.Equal(2, code);
        Assert.Contains("--dotnet-request-sample needs the requests source", stderr);
    }

    [Fact]
    public void Status_MissingRun_ExitsFour()
    {
        var (code, _, stderr) = TracekitBinary.Run("status", "--run-id", "no-such-run", "--out", _dir.Path);

        Assert.Equal(4, code);
        Assert.Contains("no-such-run", stderr);
    }

    [Fact]
    public void Stop_MissingRun_ExitsFour()
    {
        var (code, _, stderr) = TracekitBinary.Run("stop", "--run-id", "no-such-run", "--out", _dir.Path);

        Assert.Equal(4, code);
        Assert.NotEmpty(stderr);
    }

    [Fact]
    public void SelfCheck_Default_ExitsZero()
    {
        var (code, stdout, stderr) = TracekitBinary.Run("selfcheck");

        _output.WriteLine(stdout);
        Assert.True(code == 0, $"exit {code}; stdout: {stdout}; stderr: {stderr}");
        Assert.Contains("selfcheck: OK", stdout);
    }

    [Fact]
    public void Run_ProgramNotFound_Exits127()
    {
        var (code, _, stderr) = TracekitBinary.Run("run", "--run-id", "r", "--out", _dir.Path, "--", "/nonexistent/tracekit-no-such-program");

        Assert.Equal(127, code);
        Assert.Contains("tracekit-no-such-program", stderr);
    }

    [Fact]
    public void Run_NoCommand_ExitsTwo()
    {
        var (code, _, stderr) = TracekitBinary.Run("run", "--run-id", "r", "--out", _dir.Path);

        Assert.Equal(2, code);
        Assert.NotEmpty(stderr);
    }

    [Theory]
    [InlineData("")]
    [InlineData("web app")]
    [InlineData("../web")]
    public void Run_ContainerNotAName_ExitsTwoNamingTheFlag(string value)
    {
        var (code, _, stderr) = TracekitBinary.Run("run", "--run-id", "r", "--out", _dir.Path, "--container", value, "--", "true");

        Assert.Equal(2, code);
        Assert.Contains($"--container '{value}' is not a container name", stderr);
    }
}
