using Tracekit.Convert.Cctf;
using Tracekit.Convert.Cli;
using Tracekit.Convert.Tests.Support;
using Tracekit.Format;
using static Tracekit.Convert.Tests.Support.Jsonl;

namespace Tracekit.Convert.Tests;

public sealed class RobustnessTests : IDisposable
{
    private const ulong BaseNs = 2_000_000_000_000;
    private const long E = 1_730_000_000_000;
    private readonly TestRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public void Cctf_TornTailAfterCrash_WarnsAndExitsZero()
    {
        WriteMemoryRing("n1", count: 5);
        long tailOffset = RingSurgery.SimulateCrashWithReservedTail(SegmentPath("n1", 0), reservedBytes: 64);

        var (code, console) = Convert();

        Assert.Equal((int)ReturnCode.Ok, code);
        Assert.Contains("torn tail", console.ErrorText);
        Assert.Equal(5, Read(Out(CctfFiles.HostMetrics)).Count);
        string audit = File.ReadAllText(Out(CctfFiles.AuditReport));
        Assert.Contains($"TornTail in `{Path.Combine("n1", "ring-000000.tkr")}` at offset {tailOffset} (64 bytes)", audit);
        Assert.Contains("no (crash or still running)", audit);
    }

    [Fact]
    public void Cctf_CorruptFrameMidFile_ExitsNonZeroAndWritesNoOutput()
    {
        WriteMemoryRing("n1", count: 10);
        long corruptOffset = RingSurgery.RecordFrameOffsets(SegmentPath("n1", 0))[5];
        RingSurgery.FlipPayloadByte(SegmentPath("n1", 0), corruptOffset);

        var (code, console) = Convert();

        Assert.Equal((int)ReturnCode.CorruptRing, code);
        Assert.Contains($"at offset {corruptOffset:N0}", console.ErrorText);
        Assert.Contains("--salvage", console.ErrorText);
        Assert.DoesNotContain("   at ", console.ErrorText + console.OutText);
        Assert.False(File.Exists(Out(CctfFiles.HostMetrics)));
        Assert.Empty(Directory.EnumerateFiles(_run.OutputDirectory, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Cctf_CorruptFrameMidFileWithSalvage_ExitsZeroAndAuditNamesTheOffset()
    {
        WriteMemoryRing("n1", count: 10);
        long corruptOffset = RingSurgery.RecordFrameOffsets(SegmentPath("n1", 0))[5];
        RingSurgery.FlipPayloadByte(SegmentPath("n1", 0), corruptOffset);

        var (code, console) = CapturingConsole.Run("cctf", "--run-dir", _run.RunDirectory, "--salvage");

        Assert.Equal((int)ReturnCode.Ok, code);
        Assert.Contains("corruption skipped", console.ErrorText);
        var rows = Read(Out(CctfFiles.HostMetrics));
        Assert.Equal(9, rows.Count); // frame 5 (after the anchor: memory sample 4) is gone, nothing else
        Assert.DoesNotContain(rows, static r => Long(r, "ts_ms") == E + 4);
        Assert.Contains($"Corrupt in `{Path.Combine("n1", "ring-000000.tkr")}` at offset {corruptOffset} ", File.ReadAllText(Out(CctfFiles.AuditReport)));
    }

    [Fact]
    public void Cctf_CorruptHeaderOfMiddleSegment_NonZeroUnlessSalvageThenOtherSegmentsConverted()
    {
        // 64 KiB segments: 3,000 memory records fill more than three.
        WriteMemoryRing("n1", count: 3000);
        Assert.True(File.Exists(SegmentPath("n1", 2)));
        RingSurgery.CorruptHeader(SegmentPath("n1", 1));

        var (failed, failedConsole) = Convert();
        Assert.Equal((int)ReturnCode.CorruptRing, failed);
        Assert.Contains("ring-000001.tkr", failedConsole.ErrorText);

        var (salvaged, _) = CapturingConsole.Run("cctf", "--run-dir", _run.RunDirectory, "--salvage");
        Assert.Equal((int)ReturnCode.Ok, salvaged);
        var times = Read(Out(CctfFiles.HostMetrics)).Select(static r => Long(r, "ts_ms")).ToList();
        Assert.Contains(E, times);        // segment 0
        Assert.Contains(E + 2999, times); // the last segment
        Assert.InRange(times.Count, 1000, 2999);
        Assert.Contains($"Corrupt in `{Path.Combine("n1", "ring-000001.tkr")}` at offset 240", File.ReadAllText(Out(CctfFiles.AuditReport)));
    }

    [Fact]
    public void Cctf_LastSegmentHeaderNeverWritten_TreatedAsTornTail()
    {
        WriteMemoryRing("n1", count: 3);
        using (var empty = new FileStream(SegmentPath("n1", 1), FileMode.CreateNew))
        {
            empty.SetLength(4096 + (64 * 1024));
        }

        var (code, console) = Convert();

        Assert.Equal((int)ReturnCode.Ok, code);
        Assert.Contains("never written", console.ErrorText);
        Assert.Equal(3, Read(Out(CctfFiles.HostMetrics)).Count);
    }

    [Fact]
    public void Cctf_DamagedRecordWithValidFrame_CountedNeverEmitted()
    {
        using (var ring = _run.Ring("n1"))
        {
            ring.Add(Clock.Anchor(BaseNs, E));
            ring.AddRaw([0x93, 0x02, 0x01, 0xA1, 0x78]); // HostMemory whose first field is the string "x"
            ring.Add(new HostMemory { TimestampNs = BaseNs, MemAvailableKb = 1024 });
        }

        var (code, console) = Convert();

        Assert.Equal((int)ReturnCode.Ok, code);
        Assert.Single(Read(Out(CctfFiles.HostMetrics)));
        Assert.Contains("1 damaged records were skipped", console.ErrorText);
    }

    [Fact]
    public void Cli_MissingRunFolder_RunNotFoundWithoutStackTrace()
    {
        var (code, console) = CapturingConsole.Run("cctf", "--run-dir", Path.Combine(_run.Root, "nope"));
        Assert.Equal((int)ReturnCode.RunNotFound, code);
        Assert.Contains("does not exist", console.ErrorText);
        Assert.DoesNotContain("   at ", console.ErrorText);
        Assert.Single(console.ErrorText.Trim().Split('\n'));
    }

    [Fact]
    public void Cli_RunFolderWithoutSegments_EmptyRun()
    {
        Directory.CreateDirectory(Path.Combine(_run.RunDirectory, "n1"));
        var (code, console) = Convert();
        Assert.Equal((int)ReturnCode.EmptyRun, code);
        Assert.Contains("holds no ring segments", console.ErrorText);
        Assert.DoesNotContain("   at ", console.ErrorText);
    }

    [Theory]
    [InlineData("cctf", "--run-dir", "x", "--bogus")]
    [InlineData("cctf")]
    [InlineData("frobnicate")]
    [InlineData("cctf", "--run-dir", "x", "--partition-by", "day")]
    [InlineData()]
    public void Cli_BadArguments_ArgumentErrorWithoutStackTrace(params string[] args)
    {
        var (code, console) = CapturingConsole.Run(args);
        Assert.Equal((int)ReturnCode.ArgumentError, code);
        Assert.StartsWith("error: ", console.ErrorText);
        Assert.Contains("--help", console.ErrorText);
        Assert.DoesNotContain("   at ", console.ErrorText + console.OutText);
    }

    [Fact]
    public void Cli_Help_ExitsZeroAndListsOptions()
    {
        var (code, console) = CapturingConsole.Run("cctf", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--salvage", console.OutText);
    }

    private (int ExitCode, CapturingConsole Console) Convert() => CapturingConsole.Run("cctf", "--run-dir", _run.RunDirectory);

    private string Out(string file) => Path.Combine(_run.OutputDirectory, file);

    private string SegmentPath(string node, int index) => Path.Combine(_run.RunDirectory, node, $"ring-{index:D6}.tkr");

    /// <summary>Memory records 1 ms apart: the i-th is at E + i ms.</summary>
    private void WriteMemoryRing(string node, int count)
    {
        using var ring = _run.Ring(node);
        ring.Add(Clock.Anchor(BaseNs, E));
        for (int i = 0; i < count; i++)
        {
            ring.Add(new HostMemory { TimestampNs = BaseNs + ((ulong)i * 1_000_000), MemTotalKb = 4096, MemAvailableKb = (ulong)(1024 + i) });
        }
    }
}
