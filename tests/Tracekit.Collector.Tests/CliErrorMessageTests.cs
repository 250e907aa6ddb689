using System.Text.RegularExpressions;

namespace Tracekit.Collector.Tests;

/// <summary>
/// The collector's error paths, through the shipped binary: each exits with its documented code and prints a
/// sentence that names the input, with no .NET type name, exception name or resource key in it.
/// </summary>
public sealed partial class CliErrorMessageTests : IDisposable
{
    private readonly TempDir _dir = new("tk-errors");
    private readonly ITestOutputHelper _output;

    public CliErrorMessageTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [GeneratedRegex(@"\b[A-Z][A-Za-z0-9]*_[A-Z][A-Za-z0-9_]*\b")]
    private static partial Regex ResourceKey();

    public static TheoryData<string[], int, string> ErrorPaths() => new()
    {
        { ["collect", "--run-id", "e", "--pid", "abc"], 2, "abc" },
        { ["collect", "--run-id", "e", "--dotnet-buffer", "x"], 2, "--dotnet-buffer" },
        { ["collect", "--run-id", "e", "--match", "["], 2, "--match" },
        { ["collect", "--run-id", "e", "--match", "(a"], 2, "(a" },
        { ["collect", "--run-id", "e", "--interval", "fast"], 2, "fast" },
        { ["collect", "--run-id", "e", "--ring-size", "3MiB"], 2, "3MiB" },
        { ["collect", "--run-id", "e", "--pid-dir", "/nonexistent-folder"], 2, "/nonexistent-folder" },
        // One rule for absent targets: a --pid is treated as a --cgroup is.
        { ["collect", "--run-id", "e", "--pid", "999999999", "--duration", "1s"], 2, "--pid 999999999" },
        { ["collect", "--run-id", "e", "--cgroup", "/tracekit-no-such-cgroup", "--duration", "1s"], 2, "/tracekit-no-such-cgroup" },
        { ["collect", "--run-id", "e", "--out", "/proc/tracekit-no-such", "--duration", "1s"], 3, "/proc/tracekit-no-such" },
        { ["run", "--run-id", "e", "--out", "/proc/tracekit-no-such", "--", "true"], 3, "/proc/tracekit-no-such" },
        { ["run", "--run-id", "e", "--enqueue-ms", "soon", "--", "true"], 2, "soon" },
        { ["run", "--run-id", "e", "--", "/nonexistent-program"], 127, "/nonexistent-program" },
        { ["load", "--url", "not-a-url", "--rate", "5", "--duration", "1s"], 2, "not-a-url" },
        { ["load", "--url", "http://127.0.0.1:9/", "--rate", "many", "--duration", "1s"], 2, "many" },
        { ["load", "--url", "http://127.0.0.1:9/", "--rate", "5", "--duration", "1s", "--connections", "lots"], 2, "lots" },
        { ["selfcheck", "--rounds", "x"], 2, "--rounds" },
        { ["status", "--run-id", "no-such-run"], 4, "no-such-run" },
        { ["stop", "--run-id", "no-such-run"], 4, "no-such-run" },
    };

    [Theory]
    [MemberData(nameof(ErrorPaths))]
    public void Tracekit_BadInput_ExitCodeAndASentenceNamingTheInput(string[] args, int expectedCode, string named)
    {
        string[] full = args[0] is "collect" or "run" or "status" or "stop" && !args.Contains("--out")
            ? [args[0], "--out", _dir.Path, .. args[1..]]
            : args;
        var (code, _, stderr) = TracekitBinary.Run(TimeSpan.FromSeconds(30), full);
        _output.WriteLine($"{string.Join(' ', full)} → {code}\n{stderr}");
        Assert.Equal(expectedCode, code);
        Assert.Contains(named, stderr);
        Assert.DoesNotContain("System.", stderr);
        Assert.DoesNotContain("Exception", stderr);
        Assert.False(ResourceKey().IsMatch(stderr), $"a resource key in: {stderr}");
    }

    [Fact]
    public void Collect_DurationShorterThanInterval_WarnsAndTakesOneTick()
    {
        using var collector = CollectorRun.Start(_dir.Path, "short", "--interval", "1h", "--duration", "300ms");
        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Contains("warning: --duration 300ms is shorter than --interval", collector.Process.Stderr);
        Assert.Single(collector.ReadRing().TickTimestamps());
    }
}
