using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tracekit.Native;

namespace Tracekit.Collector.Tests;

/// <summary>`tracekit status` and meta.json report the tick counters as the collector lived them.</summary>
public sealed class StatusCountersTests : IDisposable
{
    private const long IntervalMs = 10;
    private const long DurationMs = 1500;
    private const long StallMs = 300;

    private readonly TempDir _dir = new("tk-status");
    private readonly ITestOutputHelper _output;

    public StatusCountersTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Collect_StoppedBySigstopForAStall_MissedTicksInStatusAndMeta()
    {
        using var collector = CollectorRun.Start(_dir.Path, "stall", "--interval", $"{IntervalMs}ms", "--duration", $"{DurationMs}ms");
        collector.WaitUntilRunning();
        Thread.Sleep(TimeSpan.FromMilliseconds(300));
        long stoppedNs = Mono.NowNs();
        collector.Process.Signal(Libc.SigStop);
        Thread.Sleep(TimeSpan.FromMilliseconds(StallMs));
        collector.Process.Signal(Libc.SigCont);
        long stallNs = Mono.NowNs() - stoppedNs;
        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(30)));

        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(collector.NodeDirectory, "meta.json")));
        long ticks = meta.RootElement.GetProperty("ticks").GetInt64();
        long missed = meta.RootElement.GetProperty("missed_ticks").GetInt64();

        var (code, json, stderr) = TracekitBinary.Run(["status", .. collector.CommonArgs, "--json"]);
        Assert.True(code == 0, $"status --json exited {code}: {stderr}");
        using var status = JsonDocument.Parse(json);
        var (textCode, text, textStderr) = TracekitBinary.Run(["status", .. collector.CommonArgs]);
        Assert.True(textCode == 0, $"status exited {textCode}: {textStderr}");
        _output.WriteLine($"stalled {stallNs / 1e6:0.#} ms; meta: {ticks} ticks, {missed} missed\n{json}\n{text}");

        // The final SelfReport is written after the last tick, so status and meta.json describe the same run.
        Assert.Equal(ticks, status.RootElement.GetProperty("ticks").GetInt64());
        Assert.Equal(missed, status.RootElement.GetProperty("missed_ticks").GetInt64());
        // 300 ms stopped at 10 ms is 30 whole slots; the floor of 20 tolerates the slot the stop began in and a
        // signal delivered late. The ceiling (slots in the measured stop + 10) leaves room for a few other late
        // wake-ups on a loaded host, but fails if a stall were counted twice or missed ticks were invented.
        Assert.True(missed >= 20, $"only {missed} missed ticks after a {stallNs / 1e6:0.#} ms stop");
        Assert.True(missed <= stallNs / (IntervalMs * 1_000_000) + 10, $"{missed} missed ticks for a {stallNs / 1e6:0.#} ms stop");
        // Every slot due from 0 to the end (inclusive: a 1.5 s run has ticks at 0 and at 1.5 s) is taken or
        // missed exactly once, so the sum is 151. It exceeds that only when the last wake-up is late by more than
        // an interval (slots beyond the end then count as missed); 3 allows 30 ms of that on a busy 2-core host.
        long slots = DurationMs / IntervalMs + 1;
        Assert.InRange(ticks + missed, slots, slots + 3);

        var cpu = status.RootElement.GetProperty("collector_cpu_percent");
        Assert.Equal(JsonValueKind.Number, cpu.ValueKind);
        double cpuPercent = cpu.GetDouble();
        Assert.True(cpuPercent >= 0, $"collector_cpu_percent {cpuPercent}");

        // The text form prints the same figures.
        var tickLine = Regex.Match(text, @"^ticks: (\d+) taken, (\d+) missed", RegexOptions.Multiline);
        Assert.True(tickLine.Success, $"no ticks line in:\n{text}");
        Assert.Equal(ticks, long.Parse(tickLine.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Equal(missed, long.Parse(tickLine.Groups[2].Value, CultureInfo.InvariantCulture));
        var cpuLine = Regex.Match(text, @"^collector: ([0-9.]+)% of one core", RegexOptions.Multiline);
        Assert.True(cpuLine.Success, $"no collector line in:\n{text}");
        // Text rounds to 3 decimals, JSON to 4.
        Assert.InRange(double.Parse(cpuLine.Groups[1].Value, CultureInfo.InvariantCulture), cpuPercent - 0.0006, cpuPercent + 0.0006);
    }
}
