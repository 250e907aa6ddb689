using System.Text.Json;
using Tracekit.Convert.Cctf;
using Tracekit.Convert.Cli;
using Tracekit.Convert.Tests.Support;
using Tracekit.Format;
using static Tracekit.Convert.Tests.NginxTestLogs;
using static Tracekit.Convert.Tests.Support.Jsonl;

namespace Tracekit.Convert.Tests;

/// <summary>`import nginx` then `cctf`: how requests become invocation rows.</summary>
public sealed class NginxImportTests : NginxImportTestBase
{
    [Fact]
    public void Import_TracekitLog_EveryRequestBecomesAJoinedInvocation()
    {
        string log = Write(Run.Root, "access.log",
        [
            TkLine(T0 + 1_250, 1_125, 1, traceparent: Traceparent),
            TkLine(T0 + 2_000, 0, 2, status: 404, path: "/missing?x=1"),
        ]);

        var (code, console) = Import(log, "web", "tracekit");
        var rows = Convert();

        Assert.Equal(0, code);
        Assert.Equal("", console.ErrorText);
        Assert.Contains("Imported 2 requests", console.OutText);
        Assert.Equal(2, rows.Count);
        var first = rows[0];
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", Str(first, "trace_id"));
        Assert.Equal("00f067aa0ba902b7", Str(first, "parent_id"));
        Assert.Equal(RequestId(1)[16..], Str(first, "span_id"));
        Assert.Equal(T0 + 125, Long(first, "ts_start"));
        Assert.Equal(T0 + 1_250, Long(first, "ts_end"));
        Assert.Equal(1_125, Long(first, "service_time_ms"));
        Assert.Equal(1_125, Long(first, "rt_ms"));
        Assert.True(IsNull(first, "ts_enqueue"));
        Assert.Equal("web", Str(first, "node"));
        Assert.Equal("GET", Str(first, "method"));
        Assert.Equal("/", Str(first, "path"));
        Assert.Equal(101, Long(first, "bytes_in"));
        Assert.Equal(201, Long(first, "bytes_out"));
        Assert.Equal(200, Long(first, "status"));
        Assert.Equal(4242, Long(first, "pid"));
        var second = rows[1];
        Assert.Equal(RequestId(2), Str(second, "trace_id")); // no traceparent: nginx's $request_id is the trace
        Assert.True(IsNull(second, "parent_id"));
        Assert.Equal("/missing", Str(second, "path"));
        Assert.Equal(404, Long(second, "status"));
        Assert.Equal(0, Long(second, "service_time_ms"));
    }

    [Fact]
    public void Import_CombinedLog_StartEqualsEndAtSecondResolution()
    {
        string log = Write(Run.Root, "access.log", [CombinedLine("01/Jan/2024:01:00:05 +0100", "POST /api?q=1 HTTP/1.1", 201, 17)]);

        var (code, _) = Import(log, "web");
        var row = Assert.Single(Convert());

        Assert.Equal(0, code);
        Assert.Equal(T0 + 5_000, Long(row, "ts_end"));
        Assert.Equal(T0 + 5_000, Long(row, "ts_start"));
        Assert.Equal(0, Long(row, "service_time_ms"));
        Assert.Equal("POST", Str(row, "method"));
        Assert.Equal("/api", Str(row, "path"));
        Assert.Equal(201, Long(row, "status"));
        Assert.Equal(17, Long(row, "bytes_out"));
        Assert.True(IsNull(row, "bytes_in"));
        Assert.True(IsNull(row, "pid"));
        Assert.Matches("^[0-9a-f]{32}$", Str(row, "trace_id"));
        Assert.Matches("^[0-9a-f]{16}$", Str(row, "span_id"));
    }

    [Fact]
    public void Import_TimesAcrossMidnightInSeveralZones_CorrectEpochMs()
    {
        string log = Write(Run.Root, "access.log",
        [
            CombinedLine("31/Dec/2023:23:59:59 +0000"),
            CombinedLine("01/Jan/2024:00:00:00 +0000"),
            CombinedLine("01/Jan/2024:00:59:59 +0100"), // 23:59:59Z the day before, in the same file
            CombinedLine("31/Dec/2023:19:00:01 -0500"),
            CombinedLine("01/Jan/2024:05:30:02 +0530"),
        ]);

        Import(log, "web");
        var ends = Convert().Select(r => Long(r, "ts_end")).ToArray();

        Assert.Equal([T0 - 1_000, T0, T0 - 1_000, T0 + 1_000, T0 + 2_000], ends);
    }

    [Fact]
    public void Import_GzipWithoutGzName_DetectedByMagicAndSameRowsAsPlain()
    {
        string[] lines = [TkLine(T0 + 10, 5, 1), TkLine(T0 + 20, 5, 2), TkLine(T0 + 30, 5, 3)];
        string plain = Write(Run.Root, "plain.log", lines);
        string gzip = WriteGzip(Run.Root, "rotated.log", lines);

        var (plainCode, _) = Import(plain, "a", "tracekit");
        var (gzipCode, console) = Import(gzip, "b", "tracekit");
        var rows = Convert();

        Assert.Equal(0, plainCode);
        Assert.Equal(0, gzipCode);
        Assert.Contains("gzip", console.OutText);
        Assert.Equal(6, rows.Count);
        string Comparable(JsonElement r) => $"{Str(r, "trace_id")} {Str(r, "span_id")} {Long(r, "ts_start")} {Long(r, "ts_end")} {Long(r, "bytes_in")}";
        Assert.Equal(
            rows.Where(r => Str(r, "node") == "a").Select(Comparable),
            rows.Where(r => Str(r, "node") == "b").Select(Comparable));
    }

    [Fact]
    public void Import_SameLogTwice_SecondRefused()
    {
        string log = Write(Run.Root, "access.log", [CombinedLine("01/Jan/2024:00:00:00 +0000")]);

        var (first, _) = Import(log, "web");
        var (second, console) = Import(log, "web");

        Assert.Equal(0, first);
        Assert.Equal((int)ReturnCode.ArgumentError, second);
        Assert.Contains("already imported", console.ErrorText);
        Assert.Single(Convert());
    }

    [Fact]
    public void Import_CombinedIds_DeterministicAndDistinctPerLine()
    {
        string log = Write(Run.Root, "access.log", Enumerable.Range(0, 50).Select(i => CombinedLine("01/Jan/2024:00:00:00 +0000")));
        using var other = new TestRun();

        Import(log, "web");
        CapturingConsole.Run("import", "nginx", "--log", log, "--run-dir", other.RunDirectory, "--node-id", "web");
        CapturingConsole.Run("cctf", "--run-dir", other.RunDirectory);
        var rows = Convert();
        var again = Read(Path.Combine(other.OutputDirectory, CctfFiles.Invocations));

        Assert.Equal(50, rows.Select(r => Str(r, "span_id")).Distinct().Count());
        Assert.Equal(50, rows.Select(r => Str(r, "trace_id")).Distinct().Count());
        Assert.Equal(rows.Select(r => Str(r, "span_id")), again.Select(r => Str(r, "span_id")));
    }

    [Fact]
    public void Import_NodeWithCollectorRing_KeepsItsNodeInfoAndStage()
    {
        using (var ring = Run.Ring("web", stage: "edge"))
        {
            ring.Add(Clock.Anchor(1_000_000_000, T0));
            ring.Add(new NodeInfo { TimestampNs = 1_000_000_000, Hostname = "h", CpuModel = "cpu", CoreCount = 4, MaxMhz = 2000, MemTotalKb = 1024 * 1024, ClockTicksPerSecond = 100, PageSizeInBytes = 4096, Kernel = "6" });
        }

        string log = Write(Run.Root, "access.log", [TkLine(T0 + 500, 100, 1)]);

        var (code, console) = Import(log, "web", "tracekit");
        var row = Assert.Single(Convert());
        var node = Assert.Single(ReadArray(Path.Combine(Run.OutputDirectory, CctfFiles.Nodes)));

        Assert.Equal(0, code);
        Assert.Contains("stage 'edge'", console.OutText);
        Assert.Equal("edge", Str(row, "stage"));
        Assert.Equal(T0 + 400, Long(row, "ts_start"));
        Assert.Equal(4, Long(node, "cpu_cores"));
    }

    [Fact]
    public void Import_NodeWithoutCollectorRing_ConvertsWithUnknownNodeFacts()
    {
        string log = Write(Run.Root, "access.log", [CombinedLine("01/Jan/2024:00:00:00 +0000")]);

        var (code, _) = Import(log, "fresh-node", stage: "cloud");
        var (cctfCode, cctf) = CapturingConsole.Run("cctf", "--run-dir", Run.RunDirectory);
        var node = Assert.Single(ReadArray(Path.Combine(Run.OutputDirectory, CctfFiles.Nodes)));
        var row = Assert.Single(Read(Path.Combine(Run.OutputDirectory, CctfFiles.Invocations)));

        Assert.Equal(0, code);
        Assert.Equal(0, cctfCode);
        Assert.Equal("", cctf.ErrorText);
        Assert.Equal("fresh-node", Str(node, "node_id"));
        Assert.True(IsNull(node, "cpu_cores"));
        Assert.Equal("cloud", Str(row, "stage"));
        var anchor = Read(Path.Combine(Run.OutputDirectory, CctfFiles.ClockAnchors)).Single(r => Str(r, "source") == "record");
        Assert.Equal(T0, Long(anchor, "ts_ms"));
        Assert.Equal(-1, Long(anchor, "sync_state"));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Import_StreamFolderAndSegment_PrivateModes()
    {
        string log = Write(Run.Root, "access.log", [CombinedLine("01/Jan/2024:00:00:00 +0000")]);

        Import(log, "web");
        string stream = Assert.Single(Directory.GetDirectories(Path.Combine(Run.RunDirectory, "web", "streams")));
        string segment = Assert.Single(Directory.GetFiles(stream));

        Assert.StartsWith("nginx-access.log-", Path.GetFileName(stream));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(stream));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(segment));
        Assert.Equal(["streams"], Directory.GetFileSystemEntries(Path.Combine(Run.RunDirectory, "web")).Select(Path.GetFileName));
    }
}
