using System.Text.Json;
using System.Text.RegularExpressions;
using Tracekit.Native;
using Tracekit.Testing;

namespace Tracekit.Collector.Tests;

/// <summary>A collector whose disk fills: it says so while it runs and at exit, exits 3, and every count agrees.</summary>
public sealed class FullDiskTests : IDisposable
{
    private readonly TempDir _dir = new("tk-full");
    private readonly ITestOutputHelper _output;

    public FullDiskTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [SkippableFact]
    public void Collect_DiskFillsDuringRun_WarnsAsItHappensExits3AndCountsAgree()
    {
        using var disk = SmallTmpfs.Mount(_dir.File("disk"), "1m");
        // 256 KiB segments on a 1 MiB disk: the fourth cannot be created, whatever the host's process count.
        using var collector = CollectorRun.Start(disk.Path, "full", "--ring-size", "256KiB", "--all", "--interval", "10ms", "--duration", "30s");
        collector.WaitUntilRunning();
        // As it happens: the line is on stderr while the collector still runs.
        bool warnedWhileRunning = Proc.WaitFor(() => collector.Process.Stderr.Contains("records dropped so far") || collector.Process.HasExited, TimeSpan.FromSeconds(25));
        Assert.True(warnedWhileRunning && !collector.Process.HasExited, $"no loss line while running. stderr:\n{collector.Process.Stderr}");
        collector.Process.Signal(Libc.SigTerm);
        int code = collector.WaitForExit(TimeSpan.FromSeconds(30));
        string stderr = collector.Process.Stderr;
        _output.WriteLine(stderr);
        Assert.Equal(3, code);
        Assert.Contains("No space left on device", stderr);

        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(collector.NodeDirectory, "meta.json")));
        long written = meta.RootElement.GetProperty("records_written").GetInt64();
        long dropped = meta.RootElement.GetProperty("records_dropped").GetInt64();
        Assert.True(dropped > 0, "meta.json counts no dropped record");
        // At exit: the run's counts, the same as meta.json's.
        var exitLine = Regex.Match(stderr, @"error: ([0-9,]+) of ([0-9,]+) records were dropped");
        Assert.True(exitLine.Success, $"no exit line in:\n{stderr}");
        Assert.Equal(dropped, long.Parse(exitLine.Groups[1].Value.Replace(",", "")));
        Assert.Equal(written + dropped, long.Parse(exitLine.Groups[2].Value.Replace(",", "")));

        var (statusCode, json, statusErr) = TracekitBinary.Run(["status", .. collector.CommonArgs, "--json"]);
        Assert.True(statusCode == 0, statusErr);
        using var status = JsonDocument.Parse(json);
        Assert.Equal(written, status.RootElement.GetProperty("records_written").GetInt64());
        Assert.Equal(dropped, status.RootElement.GetProperty("records_dropped").GetInt64());
        Assert.Equal(meta.RootElement.GetProperty("ticks").GetInt64(), status.RootElement.GetProperty("ticks").GetInt64());

        // meta.json's records_written is what a reader finds in the ring.
        var ring = collector.ReadRing();
        Assert.Empty(ring.DecodeErrors);
        Assert.Equal(written, ring.Records.Count);
    }

    [Fact]
    public void Collect_RingReachesMaxSize_WarnsWithTheCountAndExitsZero()
    {
        // Two 64 KiB segments: --all at 10 ms fills them in well under 3 s. The limit is the policy asked for.
        using var collector = CollectorRun.Start(_dir.Path, "capped", "--ring-size", "64KiB", "--max-size", $"{2 * (65536 + 4096)}", "--all", "--interval", "10ms", "--duration", "3s");
        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(30)));
        string stderr = collector.Process.Stderr;
        _output.WriteLine(stderr);
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(collector.NodeDirectory, "meta.json")));
        long dropped = meta.RootElement.GetProperty("records_dropped").GetInt64();
        Assert.True(dropped > 0, "the ring never reached --max-size");
        Assert.Contains($"warning: {dropped:N0} of ", stderr);
        Assert.Contains("Raise --max-size", stderr);
        Assert.DoesNotContain("error:", stderr);
    }
}
