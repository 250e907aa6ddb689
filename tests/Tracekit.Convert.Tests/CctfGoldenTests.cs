using System.Text.Json;
using Tracekit.Convert.Cctf;
using Tracekit.Convert.Tests.Support;
using static Tracekit.Convert.Tests.Support.Jsonl;

namespace Tracekit.Convert.Tests;

/// <summary>Every CCTF file, field by field, from one ring the test wrote (see <see cref="GoldenRun"/>).</summary>
public sealed class CctfGoldenTests(GoldenRun golden) : IClassFixture<GoldenRun>
{
    private const long E = GoldenRun.EpochMs;

    [Fact]
    public void Cctf_GoldenRun_ExitsZeroAndWritesEveryFile()
    {
        Assert.Equal(0, golden.ExitCode);
        foreach (string file in CctfFiles.All)
        {
            Assert.True(File.Exists(golden.Out(file)), $"{file} missing");
        }

        Assert.Empty(Directory.GetFiles(golden.Run.OutputDirectory, "*.partial"));
        Assert.Contains("Converted", golden.Console.OutText);
    }

    [Fact]
    public void NodesJson_NodeInfo_ExactFieldsAndUnits()
    {
        var node = Assert.Single(ReadArray(golden.Out(CctfFiles.Nodes)));
        Assert.Equal(["node_id", "stage", "cpu_cores", "mem_mb", "cpu_model", "cpu_freq_mhz", "hostname", "kernel"], Keys(node));
        Assert.Equal("node-a", Str(node, "node_id"));
        Assert.Equal("edge", Str(node, "stage"));
        Assert.Equal(8, Long(node, "cpu_cores"));
        Assert.Equal(16_000, Long(node, "mem_mb")); // 16,384,000 KiB / 1024
        Assert.Equal("Test CPU \"X\" @ 3.6GHz", Str(node, "cpu_model"));
        Assert.Equal(3600.5, Double(node, "cpu_freq_mhz"));
    }

    [Fact]
    public void LinksJson_SpeedAndRtt_BitsPerSecondAndHalfMinimumRttInSeconds()
    {
        var link = Assert.Single(ReadArray(golden.Out(CctfFiles.Links)));
        Assert.Equal(["u", "v", "BW_bps", "PR_s"], Keys(link));
        Assert.Equal("node-a", Str(link, "u"));
        Assert.Equal("node-a.net", Str(link, "v"));
        Assert.Equal(1_000_000_000, Long(link, "BW_bps")); // eth0 1000 Mbps; lo's 100 Gbps is not a link
        Assert.Equal(0.00015, Double(link, "PR_s"), 12); // min RTT 300 µs / 2
    }

    [Fact]
    public void HostMetrics_TwoTotalLines_CpuUtilOfWholeHostAndMemAvailable()
    {
        var rows = Read(golden.Out(CctfFiles.HostMetrics));
        var memory = Assert.Single(rows, static r => r.TryGetProperty("mem_free_mb", out _));
        Assert.Equal(["ts_ms", "node", "stage", "mem_free_mb"], Keys(memory));
        Assert.Equal(E, Long(memory, "ts_ms"));
        Assert.Equal(8192, Long(memory, "mem_free_mb")); // MemAvailable 8,388,608 KiB

        // The first total line has no predecessor; the per-cpu line never makes a row.
        var cpu = Assert.Single(rows, static r => r.TryGetProperty("cpu_util", out _));
        Assert.Equal(["ts_ms", "node", "stage", "cpu_util"], Keys(cpu));
        Assert.Equal(E + 1000, Long(cpu, "ts_ms"));
        Assert.Equal("node-a", Str(cpu, "node"));
        Assert.Equal("edge", Str(cpu, "stage"));
        Assert.Equal(30.0, Double(cpu, "cpu_util")); // busy 150 of 500 ticks
    }

    [Fact]
    public void LinkMetrics_CountedInterfaces_SumOfPerInterfaceRates()
    {
        var rows = Read(golden.Out(CctfFiles.LinkMetrics));
        Assert.Equal(2, rows.Count);
        Assert.Equal(["ts_ms", "node", "stage", "link", "rx_Bps", "tx_Bps"], Keys(rows[0]));
        Assert.All(rows, static r => Assert.Equal("node-a.nic", Str(r, "link")));
        Assert.Equal(E + 1000, Long(rows[0], "ts_ms"));
        Assert.Equal(10_000, Double(rows[0], "rx_Bps")); // eth0 only: lo and docker0 excluded, eth1 not yet
        Assert.Equal(500, Double(rows[0], "tx_Bps"));
        Assert.Equal(E + 2000, Long(rows[1], "ts_ms"));
        Assert.Equal(12_000, Double(rows[1], "rx_Bps")); // eth0 10,000 + eth1 2,000
        Assert.Equal(500, Double(rows[1], "tx_Bps"));
    }

    [Fact]
    public void ProcRss_EverySample_KeyedByPidAndStartTicks()
    {
        var rows = Read(golden.Out(CctfFiles.ProcRss));
        Assert.Equal(["ts_ms", "pid", "rss_kb", "node", "stage", "start_ticks"], Keys(rows[0]));
        Assert.Equal([1000L, 1100, 1200, 500, 600], rows.Select(static r => Long(r, "rss_kb")));
        Assert.Equal([E, E + 100, E + 200, E + 300, E + 400], rows.Select(static r => Long(r, "ts_ms")));
        Assert.Equal([1000L, 1000, 1000, 2000, 2000], rows.Select(static r => Long(r, "start_ticks")));
    }

    [Fact]
    public void ProcCpu_PidReuse_TwoProcessesAndNoRowForEitherFirstSample()
    {
        var rows = Read(golden.Out(CctfFiles.ProcCpu));
        Assert.Equal(["ts_ms", "pid", "cpu_ms", "dt_ms", "node", "stage", "start_ticks"], Keys(rows[0]));
        Assert.Equal(3, rows.Count); // 3 samples → 2 windows; the reused pid's 2 samples → 1 window
        Assert.Equal([E + 100, E + 200, E + 400], rows.Select(static r => Long(r, "ts_ms")));
        Assert.Equal([10.5, 10.0, 2.0], rows.Select(static r => Double(r, "cpu_ms"))); // sub-ms precision kept
        Assert.All(rows, static r => Assert.Equal(100, Long(r, "dt_ms")));
        Assert.Equal([1000L, 1000, 2000], rows.Select(static r => Long(r, "start_ticks")));
        Assert.All(rows, static r => Assert.Equal(42, Long(r, "pid")));
    }

    [Fact]
    public void ProcMetrics_MergedForm_CpuAndRssOfTheSameWindows()
    {
        var rows = Read(golden.Out(CctfFiles.ProcMetrics));
        Assert.Equal(["ts_ms", "pid", "dt_ms", "cpu_ms", "rss_kb", "node", "stage", "start_ticks"], Keys(rows[0]));
        Assert.Equal([E + 100, E + 200, E + 400], rows.Select(static r => Long(r, "ts_ms")));
        Assert.Equal([1100L, 1200, 600], rows.Select(static r => Long(r, "rss_kb")));
        Assert.Equal([10.5, 10.0, 2.0], rows.Select(static r => Double(r, "cpu_ms")));
    }

    [Fact]
    public void Invocations_JoinedRequest_DerivedTimesFromEnqueueStartEnd()
    {
        var row = Invocation("t1");
        Assert.Equal(
            ["trace_id", "span_id", "parent_id", "module_id", "instance_id", "ts_enqueue", "ts_start", "ts_end", "node", "stage",
             "method", "path", "bytes_in", "bytes_out", "cpu_time_ms", "queue_time_ms", "service_time_ms", "rt_ms", "status", "pid",
             "pid_start_ticks", "cgroup", "peak_rss_kb"],
            Keys(row));
        Assert.Equal("s1", Str(row, "span_id"));
        Assert.True(IsNull(row, "parent_id"));
        Assert.Equal("m", Str(row, "module_id"));
        Assert.Equal(E + 50, Long(row, "ts_enqueue"));
        Assert.Equal(E + 60, Long(row, "ts_start"));
        Assert.Equal(E + 180, Long(row, "ts_end"));
        Assert.Equal("GET", Str(row, "method"));
        Assert.Equal("/api", Str(row, "path"));
        Assert.Equal(10, Long(row, "bytes_in"));
        Assert.Equal(20, Long(row, "bytes_out"));
        Assert.Equal(7.25, Double(row, "cpu_time_ms"));
        Assert.Equal(10, Long(row, "queue_time_ms"));
        Assert.Equal(120, Long(row, "service_time_ms"));
        Assert.Equal(130, Long(row, "rt_ms"));
        Assert.Equal(200, Long(row, "status"));
        Assert.Equal(42, Long(row, "pid"));
        Assert.Equal(900, Long(row, "peak_rss_kb"));
    }

    [Fact]
    public void Invocations_BatchJob_MethodCliWithInputOutputCpusetAndRtFromStart()
    {
        var row = Invocation("t2");
        Assert.Equal("CLI", Str(row, "method"));
        Assert.Equal("/usr/bin/sort", Str(row, "path"));
        Assert.Equal("in.txt", Str(row, "input"));
        Assert.Equal("out.txt", Str(row, "output"));
        Assert.Equal("0-1", Str(row, "cpuset"));
        Assert.Equal("/tracekit/t2", Str(row, "cgroup"));
        Assert.True(IsNull(row, "ts_enqueue"));
        Assert.True(IsNull(row, "queue_time_ms"));
        Assert.Equal(1000, Long(row, "service_time_ms"));
        Assert.Equal(1000, Long(row, "rt_ms")); // no enqueue: from the start
        Assert.Equal(0, Long(row, "status"));
        Assert.Equal(900.0, Double(row, "cpu_time_ms"));
    }

    [Fact]
    public void Invocations_StartWithoutEnd_WrittenWithNullEndAndStatus()
    {
        var row = Invocation("t3");
        Assert.Equal(E + 1600, Long(row, "ts_start"));
        Assert.True(IsNull(row, "ts_end"));
        Assert.True(IsNull(row, "status"));
        Assert.True(IsNull(row, "service_time_ms"));
        Assert.True(IsNull(row, "rt_ms"));
        Assert.False(row.TryGetProperty("input", out _)); // not a batch job
    }

    [Fact]
    public void Invocations_EndWithoutStart_WrittenWithNullStart()
    {
        var row = Invocation("t4");
        Assert.True(IsNull(row, "ts_start"));
        Assert.Equal(E + 1700, Long(row, "ts_end"));
        Assert.Equal(500, Long(row, "status"));
        Assert.Equal(4, Read(golden.Out(CctfFiles.Invocations)).Count);
    }

    [Fact]
    public void PlacementEvents_Placement_TsNotTsMs()
    {
        var row = Assert.Single(Read(golden.Out(CctfFiles.PlacementEvents)));
        Assert.Equal(["ts", "app_id", "module_id", "instance_id", "node_id", "event", "stage", "cpu_units"], Keys(row));
        Assert.True(IsNull(row, "cpu_units")); // a version-1 Placement carries no units (ring format 1.2 appends them)
        Assert.Equal(E + 10, Long(row, "ts"));
        Assert.Equal("start", Str(row, "event"));
        Assert.Equal("node-a", Str(row, "node_id"));
    }

    [Fact]
    public void ProcessEvents_StartAndExits_ShellStyleStatusAndSignal()
    {
        var rows = Read(golden.Out(CctfFiles.ProcessEvents));
        Assert.Equal(3, rows.Count);
        Assert.Equal(["ts_ms", "node", "stage", "event", "pid", "start_ticks", "ppid", "command", "command_line"], Keys(rows[0]));
        Assert.Equal("worker --x", Str(rows[0], "command_line"));
        var exited = rows[1];
        Assert.Equal(["ts_ms", "node", "stage", "event", "pid", "start_ticks", "exit_status", "signal", "user_time_ms", "system_time_ms", "max_rss_kb"], Keys(exited));
        Assert.Equal("exit", Str(exited, "event"));
        Assert.Equal(1, Long(exited, "exit_status"));
        Assert.True(IsNull(exited, "signal"));
        Assert.Equal(20.0, Double(exited, "user_time_ms"));
        Assert.Equal(5.5, Double(exited, "system_time_ms"));
        Assert.Equal(137, Long(rows[2], "exit_status"));
        Assert.Equal(9, Long(rows[2], "signal")); // 128 + SIGKILL
    }

    [Fact]
    public void DotnetFiles_MetricsAndEvents_NonFiniteValueIsNull()
    {
        var metrics = Read(golden.Out(CctfFiles.DotnetMetrics));
        Assert.Equal(["ts_ms", "node", "stage", "pid", "meter", "instrument", "value", "unit"], Keys(metrics[0]));
        Assert.Equal(1234.5, Double(metrics[0], "value"));
        Assert.True(IsNull(metrics[1], "value"));
        var events = Read(golden.Out(CctfFiles.DotnetEvents));
        Assert.Equal(["ts_ms", "node", "stage", "pid", "event", "sequence", "duration_ms", "detail"], Keys(events[0]));
        Assert.Equal(["gc_start", "gc_stop"], events.Select(static e => Str(e, "event")));
        Assert.Equal(2.5, Double(events[1], "duration_ms"));
    }

    [Fact]
    public void CgroupMetrics_TwoSamples_FirstHasNullWindow()
    {
        var rows = Read(golden.Out(CctfFiles.CgroupMetrics));
        Assert.Equal(["ts_ms", "node", "stage", "cgroup", "version", "dt_ms", "cpu_ms", "memory_bytes", "memory_peak_bytes", "memory_limit_bytes"], Keys(rows[0]));
        Assert.True(IsNull(rows[0], "cpu_ms"));
        Assert.Equal(1000, Long(rows[1], "dt_ms"));
        Assert.Equal(500.0, Double(rows[1], "cpu_ms"));
        Assert.Equal(1_300_000, Long(rows[1], "memory_peak_bytes"));
    }

    [Fact]
    public void ClockAnchors_HeaderAndRecord_BothListed()
    {
        var rows = Read(golden.Out(CctfFiles.ClockAnchors));
        Assert.Equal(["segment_header", "record"], rows.Select(static r => Str(r, "source")));
        var record = rows[1];
        Assert.Equal(E, Long(record, "ts_ms"));
        Assert.Equal("collector", Str(record, "stream"));
        Assert.Equal((long)GoldenRun.BaseNs, Long(record, "monotonic_ns"));
        Assert.Equal(2_000_000, Long(record, "maxerror_ns"));
        Assert.False(record.GetProperty("unsynchronized").GetBoolean());
    }

    [Fact]
    public void AuditReport_GoldenRun_CountsKindsUnknownDamagedAndJoins()
    {
        string audit = File.ReadAllText(golden.Out(CctfFiles.AuditReport));
        Assert.Contains("| ProcessSample | 5 |", audit);
        Assert.Contains("| ClockAnchor | 1 |", audit);
        Assert.Contains("kind 99: 1", audit);
        Assert.Contains("| damaged records (skipped) | 1 |", audit);
        Assert.Contains("damaged record in `node-a/ring-000000.tkr`, frame at offset ", audit);
        Assert.Contains(Tracekit.Format.DecodeMessages.ArrayTooShort, audit);

        // t1 (pid 42, sampled at 100 ms inside 60..180) joins; t2 (pid 99, never sampled) does not.
        Assert.Contains("| 2 | 1 (50%) |", audit);
        Assert.Contains("| node-a | collector | 20 | 1 | 2 | 3 ms |", audit);
    }

    private JsonElement Invocation(string traceId) =>
        Assert.Single(Read(golden.Out(CctfFiles.Invocations)), r => Str(r, "trace_id") == traceId);
}
