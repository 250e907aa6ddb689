namespace Tracekit.Dotnet.Tests;

/// <summary>dotnet-counters and the collector read the System.Runtime meter of one process at the same time (SHARED session).</summary>
public sealed class DotnetCountersTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>The version the NuGet mirror serves (/work/.library/env/packages/nuget.tsv lists 10.0.750501).</summary>
    private const string Version = "10.0.750501";
    private readonly string _dir = Directory.CreateTempSubdirectory("tracekit-dotnet-counters-").FullName;

    [SkippableFact]
    public void Collect_WithDotnetCountersRunning_BothGetRuntimeMetrics()
    {
        string tool = Install();
        using var service = ExampleService.Start();
        string csv = Path.Combine(_dir, "counters.csv");
        using var counters = Spawned.Start(tool, ["collect", "-p", service.Pid.ToString(), "--counters", "System.Runtime", "--refresh-interval", "1",
            "--format", "csv", "-o", csv, "--duration", "00:00:00:10"]);
        // dotnet-counters opens the SHARED session first: its first row of values says its session runs.
        Assert.True(Waits.Until(() => File.Exists(csv) && File.ReadLines(csv).Count() >= 2, TimeSpan.FromSeconds(60)), "dotnet-counters wrote no values");
        string outDir = Path.Combine(_dir, "out");
        using var collector = TracekitCli.Collect(outDir, "--dotnet", service.Pid.ToString());
        string capture = TracekitCli.WaitForCapture(outDir, service.Pid, collector);
        LiveCapture.AssertReaches(capture, s => s.Metrics.Count(m => m.Meter == "System.Runtime" && m.Instrument == "dotnet.gc.heap.total_allocated") >= 3,
            "three values of dotnet.gc.heap.total_allocated");
        TracekitCli.Stop(collector);
        Assert.Equal(0, counters.WaitForExit(TimeSpan.FromSeconds(60)));
        output.WriteLine(collector.Stderr);

        var warnings = new List<string>();
        TracekitCli.Convert(Path.Combine(outDir, "run"), warnings);
        foreach (var w in warnings) output.WriteLine(w);
        var metrics = TracekitCli.ReadJsonl(Path.Combine(outDir, "run", "cctf", "dotnet_metrics.jsonl"));
        int ours = metrics.Count(m => m.Str("meter") == "System.Runtime" && m.Str("instrument") == "dotnet.gc.heap.total_allocated");
        output.WriteLine($"collector: {ours} values of dotnet.gc.heap.total_allocated while dotnet-counters ran");
        Assert.True(ours >= 3, "the collector got no System.Runtime values while dotnet-counters ran");
        string audit = File.ReadAllText(Path.Combine(outDir, "run", "cctf", "audit_report.md"));
        output.WriteLine(audit[audit.IndexOf("## .NET captures", StringComparison.Ordinal)..]);
        var lines = File.ReadAllLines(csv);
        Assert.Contains(lines, l => l.Contains("dotnet.gc.heap.total_allocated", StringComparison.Ordinal) || l.Contains("Allocat", StringComparison.Ordinal));
    }

    /// <summary>Installs dotnet-counters from the configured NuGet feed into the test's folder; skips with the reason when it cannot.</summary>
    private string Install()
    {
        string toolPath = Path.Combine(_dir, "tools");
        using var install = Spawned.Start("dotnet", ["tool", "install", "--tool-path", toolPath, "dotnet-counters", "--version", Version]);
        int code = install.WaitForExit(TimeSpan.FromMinutes(3));
        string tool = Path.Combine(toolPath, "dotnet-counters");
        Skip.If(code != 0 || !File.Exists(tool), $"dotnet-counters {Version} could not be installed from the NuGet feed (exit {code}): {install.Stderr.Trim()}");
        return tool;
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
