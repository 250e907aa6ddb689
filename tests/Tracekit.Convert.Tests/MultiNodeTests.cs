using Tracekit.Convert.Cctf;
using Tracekit.Convert.Tests.Support;
using Tracekit.Format;
using static Tracekit.Convert.Tests.Support.Jsonl;

namespace Tracekit.Convert.Tests;

public sealed class MultiNodeTests : IDisposable
{
    private const long E = 1_720_000_000_000;
    private readonly TestRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public void Cctf_TwoNodesWithDifferentMonotonicBases_EachOnItsOwnAnchors()
    {
        const ulong baseA = 5_000_000_000_000; // up 83 minutes
        const ulong baseB = 7_000_000_000;     // up 7 seconds
        using (var a = _run.Ring("node-a", stage: "cloud"))
        {
            a.Add(Clock.Anchor(baseA, E, maxErrorNs: 3_000_000));
            a.Add(Memory(baseA + 100_000_000, 1024 * 1024));
        }

        using (var b = _run.Ring("node-b", stage: "edge"))
        {
            b.Add(Clock.Anchor(baseB, E + 250, maxErrorNs: 5_000_000));
            b.Add(Memory(baseB + 100_000_000, 2048 * 1024));
        }

        // Headers below the anchors' maxerror, so the bound is the anchors' (not this machine's adjtimex state).
        RingSurgery.SetHeaderClock(Path.Combine(_run.RunDirectory, "node-a", "ring-000000.tkr"), maxErrorNs: 1_000_000);
        RingSurgery.SetHeaderClock(Path.Combine(_run.RunDirectory, "node-b", "ring-000000.tkr"), maxErrorNs: 1_000_000);
        var (code, _) = Convert();
        Assert.Equal(0, code);
        var rows = Read(Path.Combine(_run.OutputDirectory, CctfFiles.HostMetrics));
        var rowA = Assert.Single(rows, static r => Str(r, "node") == "node-a");
        var rowB = Assert.Single(rows, static r => Str(r, "node") == "node-b");
        Assert.Equal(E + 100, Long(rowA, "ts_ms"));
        Assert.Equal("cloud", Str(rowA, "stage"));
        Assert.Equal(1024, Long(rowA, "mem_free_mb"));
        Assert.Equal(E + 350, Long(rowB, "ts_ms"));
        Assert.Equal("edge", Str(rowB, "stage"));
        Assert.Equal(["node-a", "node-b"], ReadArray(Path.Combine(_run.OutputDirectory, CctfFiles.Nodes)).Select(static n => Str(n, "node_id")));

        string audit = File.ReadAllText(Path.Combine(_run.OutputDirectory, CctfFiles.AuditReport));
        Assert.Contains("| node-a | node-b | 8 ms |", audit.Split('\n')); // worst maxerrors: 3 ms (a) + 5 ms (b)
        Assert.Contains("Latest NTP offsets", audit);
    }

    [Fact]
    public void Cctf_ClusterRunWithClockOffsets_EachNodeShiftedOntoTheClusterClock()
    {
        // Two nodes with the same clock readings; their cluster.json say n1 is 10 ms ahead of the cluster clock
        // and n2 250 ms behind it (cluster = local + offset).
        const ulong b = 2_000_000_000_000;
        foreach (string node in (string[])["n1", "n2"])
        {
            using var ring = _run.Ring(node);
            ring.Add(Clock.Anchor(b, E));
            ring.Add(Memory(b + 100_000_000, 1024 * 1024));
            ring.Add(new InvocationStart { TimestampNs = b + 200_000_000, TraceId = "job-" + node, SpanId = "1", Pid = 42, EnqueueNs = (long)b + 150_000_000 });
            ring.Add(new InvocationEnd { TimestampNs = b + 400_000_000, TraceId = "job-" + node, SpanId = "1", Status = 0 });
        }
        WriteClusterJson("n1", offsetNs: -10_000_000, uncertaintyNs: 100_000);
        WriteClusterJson("n2", offsetNs: 250_000_000, uncertaintyNs: 400_000);

        Assert.Equal(0, Convert().ExitCode);

        var metrics = Read(Path.Combine(_run.OutputDirectory, CctfFiles.HostMetrics));
        Assert.Equal(E + 90, Long(Assert.Single(metrics, static r => Str(r, "node") == "n1"), "ts_ms"));
        Assert.Equal(E + 350, Long(Assert.Single(metrics, static r => Str(r, "node") == "n2"), "ts_ms"));
        var invocations = Read(Path.Combine(_run.OutputDirectory, CctfFiles.Invocations));
        foreach (var (node, shiftMs) in new[] { ("n1", -10L), ("n2", 250L) })
        {
            var inv = Assert.Single(invocations, r => Str(r, "trace_id") == "job-" + node);
            Assert.Equal(E + 150 + shiftMs, Long(inv, "ts_enqueue"));
            Assert.Equal(E + 200 + shiftMs, Long(inv, "ts_start"));
            Assert.Equal(E + 400 + shiftMs, Long(inv, "ts_end"));
        }
        var audit = File.ReadAllText(Path.Combine(_run.OutputDirectory, CctfFiles.AuditReport)).Split('\n');
        Assert.Contains(audit, static l => l.StartsWith("| n1 | ", StringComparison.Ordinal) && l.Contains("| -10.000 ± 0.100 |", StringComparison.Ordinal));
        Assert.Contains(audit, static l => l.StartsWith("| n2 | ", StringComparison.Ordinal) && l.Contains("| 250.000 ± 0.400 |", StringComparison.Ordinal));
    }

    private void WriteClusterJson(string node, long offsetNs, long uncertaintyNs) =>
        File.WriteAllText(Path.Combine(_run.RunDirectory, node, "cluster.json"),
            $$"""{"run_id":"{{TestRun.RunId}}","node_id":"{{node}}","final":true,"members":["n1","n2"],"clock":[{"monotonic_ns":1,"realtime_ns":{{E * 1_000_000}},"offset_ns":{{offsetNs}},"uncertainty_ns":{{uncertaintyNs}}}]}""");

    [Fact]
    public void Cctf_TwoFoldersWithTheSameHeaderNodeId_KeptDistinctByFolder()
    {
        foreach (string folder in (string[])["host1", "host2"])
        {
            using var ring = _run.Ring(folder, headerNodeId: "localhost");
            ring.Add(Clock.Anchor(1_000_000_000, E));
            ring.Add(Memory(1_000_000_000, 1024));
        }

        Assert.Equal(0, Convert().ExitCode);
        var nodes = Read(Path.Combine(_run.OutputDirectory, CctfFiles.HostMetrics)).Select(static r => Str(r, "node")).ToList();
        Assert.Equal(["host1", "host2"], nodes);
        Assert.Contains("the ring header names node 'localhost'", File.ReadAllText(Path.Combine(_run.OutputDirectory, CctfFiles.AuditReport)));
    }

    [Fact]
    public void Cctf_CollectorAndRunStreams_MergedByTimeWithinTheNode()
    {
        const ulong b = 3_000_000_000_000;
        static ulong At(long ms) => b + ((ulong)ms * 1_000_000);
        using (var collector = _run.Ring("n1"))
        {
            collector.Add(Clock.Anchor(b, E));
            foreach (long ms in (long[])[0, 200, 400])
            {
                collector.Add(Sample(At(ms), ms));
            }
        }

        using (var job = _run.Ring("n1", stream: "job-1"))
        {
            job.Add(Clock.Anchor(b, E));
            job.Add(new InvocationStart { TimestampNs = At(50), TraceId = "job", SpanId = "1", Method = "CLI", Path = "/bin/true", Pid = 7 });
            job.Add(Sample(At(100), 100));
            job.Add(Sample(At(300), 300));
            job.Add(new InvocationEnd { TimestampNs = At(350), TraceId = "job", SpanId = "1", Status = 0 });
        }

        Assert.Equal(0, Convert().ExitCode);
        var rss = Read(Path.Combine(_run.OutputDirectory, CctfFiles.ProcRss));
        Assert.Equal([E, E + 100, E + 200, E + 300, E + 400], rss.Select(static r => Long(r, "ts_ms")));
        var cpu = Read(Path.Combine(_run.OutputDirectory, CctfFiles.ProcCpu));
        Assert.All(cpu, static r => Assert.Equal(100, Long(r, "dt_ms")));
        Assert.All(cpu, static r => Assert.Equal(100.0, Double(r, "cpu_ms")));
        var invocation = Assert.Single(Read(Path.Combine(_run.OutputDirectory, CctfFiles.Invocations)));
        Assert.Equal(300, Long(invocation, "rt_ms"));

        string audit = File.ReadAllText(Path.Combine(_run.OutputDirectory, CctfFiles.AuditReport));
        Assert.Contains("| 1 | 1 (100%) |", audit); // the job's pid was sampled while it ran
        Assert.Contains("| n1 | streams/job-1 |", audit);
    }

    [Fact]
    public void Cctf_PartitionByNode_FilesUnderNodeFolders()
    {
        foreach (string folder in (string[])["a", "b"])
        {
            using var ring = _run.Ring(folder);
            ring.Add(Clock.Anchor(1_000_000_000, E));
            ring.Add(Memory(1_000_000_000, 1024));
        }

        Assert.Equal(0, CapturingConsole.Run("cctf", "--run-dir", _run.RunDirectory, "--partition-by", "node").ExitCode);
        foreach (string folder in (string[])["a", "b"])
        {
            var row = Assert.Single(Read(Path.Combine(_run.OutputDirectory, "node=" + folder, CctfFiles.HostMetrics)));
            Assert.Equal(folder, Str(row, "node"));
        }

        Assert.True(File.Exists(Path.Combine(_run.OutputDirectory, CctfFiles.Nodes)));
        Assert.False(File.Exists(Path.Combine(_run.OutputDirectory, CctfFiles.HostMetrics)));
    }

    private (int ExitCode, CapturingConsole Console) Convert() => CapturingConsole.Run("cctf", "--run-dir", _run.RunDirectory);

    private static HostMemory Memory(ulong timestampNs, ulong availableKb) =>
        new() { TimestampNs = timestampNs, MemTotalKb = 4 * availableKb, MemAvailableKb = availableKb };

    private static ProcessSample Sample(ulong timestampNs, long cpuMs) => new()
    {
        TimestampNs = timestampNs, Pid = 7, StartTicks = 70, CpuTimeNs = (ulong)cpuMs * 1_000_000,
        CpuSource = CpuSource.Schedstat, RssKb = 100, Threads = 1,
    };
}
