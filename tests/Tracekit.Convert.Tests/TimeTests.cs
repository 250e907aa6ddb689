using System.Diagnostics;
using Tracekit.Convert.Cctf;
using Tracekit.Convert.Tests.Support;
using Tracekit.Format;
using static Tracekit.Convert.Tests.Support.Jsonl;

namespace Tracekit.Convert.Tests;

public sealed class TimeTests : IDisposable
{
    private const ulong BaseNs = 9_000_000_000_000;
    private readonly TestRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public void Cctf_RecordsAcrossUtcMidnight_EachSideOnItsOwnDay()
    {
        using (var ring = _run.Ring("n1"))
        {
            ring.Add(Clock.Anchor(BaseNs, Clock.BeforeMidnightEpochMs)); // 2024-03-09T23:59:59.000Z
            ring.Add(Memory(BaseNs + 500_000_000));   // 23:59:59.500
            ring.Add(Memory(BaseNs + 1_500_000_000)); // 00:00:00.500 the next day
        }

        Assert.Equal(0, Convert().ExitCode);
        var rows = Read(Path.Combine(_run.OutputDirectory, CctfFiles.HostMetrics));
        Assert.Equal([Clock.BeforeMidnightEpochMs + 500, Clock.BeforeMidnightEpochMs + 1500], rows.Select(static r => Long(r, "ts_ms")));
        var days = rows.Select(static r => DateTimeOffset.FromUnixTimeMilliseconds(Long(r, "ts_ms")).UtcDateTime.Date).ToList();
        Assert.Equal(new DateTime(2024, 3, 9), days[0]);
        Assert.Equal(new DateTime(2024, 3, 10), days[1]);
    }

    [Fact]
    public void Cctf_NewerAnchorMidStream_LaterRecordsUseIt()
    {
        using (var ring = _run.Ring("n1"))
        {
            ring.Add(Clock.Anchor(BaseNs, Clock.BeforeMidnightEpochMs));
            ring.Add(Memory(BaseNs + 100_000_000));

            // NTP stepped the wall clock 7 ms ahead between the two anchors.
            ring.Add(Clock.Anchor(BaseNs + 1_000_000_000, Clock.BeforeMidnightEpochMs + 1007));
            ring.Add(Memory(BaseNs + 1_100_000_000));
        }

        Assert.Equal(0, Convert().ExitCode);
        var rows = Read(Path.Combine(_run.OutputDirectory, CctfFiles.HostMetrics));
        Assert.Equal([Clock.BeforeMidnightEpochMs + 100, Clock.BeforeMidnightEpochMs + 1107], rows.Select(static r => Long(r, "ts_ms")));
        Assert.Contains("| 7 ms |", File.ReadAllText(Path.Combine(_run.OutputDirectory, CctfFiles.AuditReport)));
    }

    [Fact]
    public void Cctf_ProcessWindowAcrossAnchorStep_DtMsIsMonotonicLength()
    {
        using (var ring = _run.Ring("n1"))
        {
            ring.Add(Clock.Anchor(BaseNs, Clock.BeforeMidnightEpochMs));
            ring.Add(Sample(BaseNs, 0));
            ring.Add(Clock.Anchor(BaseNs + 50_000_000, Clock.BeforeMidnightEpochMs + 50 + 2000)); // a 2 s step
            ring.Add(Sample(BaseNs + 100_000_000, 40_000_000));
            ring.Add(Sample(BaseNs + 200_000_000, 80_000_000));
        }

        Assert.Equal(0, Convert().ExitCode);
        var rows = Read(Path.Combine(_run.OutputDirectory, CctfFiles.ProcCpu));

        // The wall clock jumped 2 s, but the process ran 100 ms per window.
        Assert.Equal([100L, 100], rows.Select(static r => Long(r, "dt_ms")));
        Assert.Equal([40.0, 40.0], rows.Select(static r => Double(r, "cpu_ms")));
    }

    [Fact]
    public void Cctf_NoAnchorRecord_UsesTheSegmentHeaderCreationAnchor()
    {
        // On Linux, Stopwatch ticks are CLOCK_MONOTONIC ns: the clock the header's creation pair was read from.
        Assert.Equal(1_000_000_000, Stopwatch.Frequency);
        long beforeMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using (var ring = _run.Ring("n1"))
        {
            ring.Add(Memory((ulong)Stopwatch.GetTimestamp()));
        }

        long afterMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Equal(0, Convert().ExitCode);
        long tsMs = Long(Assert.Single(Read(Path.Combine(_run.OutputDirectory, CctfFiles.HostMetrics))), "ts_ms");
        Assert.InRange(tsMs, beforeMs - 5, afterMs + 5);
    }

    private (int ExitCode, CapturingConsole Console) Convert() => CapturingConsole.Run("cctf", "--run-dir", _run.RunDirectory);

    private static HostMemory Memory(ulong timestampNs) =>
        new() { TimestampNs = timestampNs, MemTotalKb = 2048, MemAvailableKb = 1024 };

    private static ProcessSample Sample(ulong timestampNs, ulong cpuNs) =>
        new() { TimestampNs = timestampNs, Pid = 5, StartTicks = 77, CpuTimeNs = cpuNs, CpuSource = CpuSource.Schedstat, RssKb = 10, Threads = 1 };
}
