using Tracekit.Convert.Cctf;
using Tracekit.Convert.Tests.Support;
using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Convert.Tests;

/// <summary>audit_report.md's losses and gaps tables, row by row, and where the files of a conversion go.</summary>
public sealed class AuditReportTests : IDisposable
{
    private const ulong BaseNs = 2_000_000_000_000;
    private const long E = 1_720_000_000_000; // 2024-07-03T09:46:40.000Z
    private const int SegmentCapacityInBytes = 64 * 1024;

    /// <summary>Payload of <see cref="Filler"/>: 48 bytes make a 64-byte frame, so 1,024 frames fill a segment exactly.</summary>
    private const int FramesPerSegment = SegmentCapacityInBytes / 64;

    private readonly TestRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public void LossesTable_SelfReportsWithDrops_LastReportInEachColumn()
    {
        using (var ring = _run.Ring("n1"))
        {
            ring.Add(Clock.Anchor(BaseNs, E));
            ring.Add(new SelfReport { TimestampNs = At(1000), Ticks = 10, RecordsWritten = 100, RecordsDropped = 1 });
            ring.Add(new SelfReport
            {
                TimestampNs = At(2000), Ticks = 20, MissedTicks = 2, LateTicks = 3, MaxLatenessNs = 1_500_000, RecordsWritten = 1234,
                RecordsDropped = 56, RecordsOverwritten = 7, CpuUserNs = 300_000_000, CpuSystemNs = 200_000_000,
            });
        }

        string[] report = Convert();
        // Records written are the records read (the anchor and two reports), what meta.json counts.
        Assert.Contains("| n1 | collector | 20 | 2 | 3 | 1.5 ms | 3 | 56 | 7 | 0.5 s |", report);
    }

    [Fact]
    public void LossesTable_FullNoLossRing_HeadersCountEveryDroppedRecord()
    {
        int droppedRecords = 0;
        using (var ring = _run.Ring("n1", maxTotalSizeInBytes: 2 * (RingSurgery.HeaderSizeInBytes + SegmentCapacityInBytes)))
        {
            for (int i = 0; i < (2 * FramesPerSegment) + 5; i++)
            {
                droppedRecords += ring.TryAddRaw(Filler()) ? 0 : 1;
            }
        }

        string[] report = Convert();
        Assert.Equal(5, droppedRecords);
        Assert.Contains("| n1 | collector | 2 | NoLoss | 5 | 0 | yes | 0 |", report);
        Assert.Contains("| n1 | - | no SelfReport record | | | | | | | |", report);
    }

    [Fact]
    public void LossesTable_RingFilledAfterLastSelfReport_DroppedFromHeadersWrittenAsRead()
    {
        int appended = 2, droppedRecords = 0;
        using (var ring = _run.Ring("n1", maxTotalSizeInBytes: 2 * (RingSurgery.HeaderSizeInBytes + SegmentCapacityInBytes)))
        {
            ring.Add(Clock.Anchor(BaseNs, E));
            ring.Add(new SelfReport { TimestampNs = At(1000), Ticks = 10, RecordsWritten = 1 });
            for (int i = 0; i < 2 * FramesPerSegment; i++)
            {
                if (ring.TryAddRaw(Filler())) appended++;
                else droppedRecords++;
            }
        }

        string[] report = Convert();
        Assert.True(droppedRecords > 0);
        // One figure for drops (the self-report's 0 is stale), and written = the records a reader finds.
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"| n1 | collector | 10 | 0 | 0 | 0 ns | {appended:N0} | {droppedRecords:N0} | 0 | 0 s |"), report);
        Assert.Contains(report, l => l.Contains("the ring filled after its last SelfReport", StringComparison.Ordinal));
    }

    [Fact]
    public void Cctf_TwoNodeIdsOneHostname_WarnsNamingBoth()
    {
        foreach (string node in new[] { "a", "b", "c" })
        {
            using var ring = _run.Ring(node);
            ring.Add(Clock.Anchor(BaseNs, E));
            ring.Add(new NodeInfo { TimestampNs = BaseNs, Hostname = node == "c" ? "other" : "vm", CpuModel = "x", CoreCount = 2, MaxMhz = 2000, MemTotalKb = 1 << 20, ClockTicksPerSecond = 100, PageSizeInBytes = 4096, Kernel = "6" });
        }

        var (code, console) = CapturingConsole.Run("cctf", "--run-dir", _run.RunDirectory);

        Assert.True(code == 0, console.ErrorText);
        Assert.Contains("nodes 'a', 'b' have the same hostname 'vm'", console.ErrorText);
        Assert.DoesNotContain("'c'", console.ErrorText);
    }

    [Fact]
    public void LossesTable_WrappedOverwriteRing_HeaderCountsOverwrittenRecords()
    {
        using (var ring = _run.Ring("n1", policy: RingPolicy.Overwrite))
        {
            for (int i = 0; i < FramesPerSegment + 476; i++)
            {
                ring.AddRaw(Filler());
            }
        }

        string[] report = Convert();
        Assert.Contains("| n1 | collector | 1 | Overwrite | 0 | 476 | yes | 0 |", report);
        Assert.Contains("| unknown kinds (skipped) | kind 99: 1,024 |", report); // the last lap survives whole
    }

    [Fact]
    public void GapsTable_HostCpuWithOneSecondHole_LargestGapAndItsStart()
    {
        using (var ring = _run.Ring("n1"))
        {
            ring.Add(Clock.Anchor(BaseNs, E));
            for (long ms = 0; ms <= 3000; ms += 100)
            {
                if (ms is <= 1000 or >= 2000)
                {
                    ring.Add(new HostCpu { TimestampNs = At(ms), Cpu = -1, UserTicks = (ulong)ms, IdleTicks = (ulong)ms });
                }

                ring.Add(new HostMemory { TimestampNs = At(ms), MemTotalKb = 4096, MemAvailableKb = 1024 });
            }
        }

        string[] report = Convert();

        // The median is the mean of its log bucket: exact for a steady series.
        Assert.Contains("| n1 | host cpu (total) | 22 | 100 ms | 1 | 2024-07-03T09:46:41.000Z, 1 s |", report);
        Assert.Contains("| n1 | host memory | 31 | 100 ms | 0 | - |", report);
    }

    [Fact]
    public void GapsTable_OneMissedTick_CountAgreesWithTheListedGap()
    {
        using (var ring = _run.Ring("n1"))
        {
            ring.Add(Clock.Anchor(BaseNs, E));
            for (long ms = 0; ms <= 2000; ms += 100)
            {
                if (ms != 1000)
                {
                    ring.Add(new HostCpu { TimestampNs = At(ms), Cpu = -1, UserTicks = (ulong)ms, IdleTicks = (ulong)ms });
                }
            }
        }

        // 200 ms is above twice the bucketed median (198.656 ms) but shares that median's doubled bucket.
        Assert.Contains("| n1 | host cpu (total) | 20 | 100 ms | 1 | 2024-07-03T09:46:40.900Z, 200 ms |", Convert());
    }

    [Fact]
    public void Cctf_OutOptionElsewhere_EveryFileThereAndNothingInTheRun()
    {
        using (var ring = _run.Ring("n1"))
        {
            ring.Add(Clock.Anchor(BaseNs, E));
            ring.Add(new HostMemory { TimestampNs = At(0), MemTotalKb = 4096, MemAvailableKb = 1024 });
        }

        var before = Files(_run.Root);
        string outDirectory = Path.Combine(_run.Root, "elsewhere", "converted");
        var (code, console) = CapturingConsole.Run("cctf", "--run-dir", _run.RunDirectory, "--out", outDirectory);

        Assert.Equal(0, code);
        var written = Files(_run.Root).Except(before).Order(StringComparer.Ordinal);
        Assert.Equal(CctfFiles.All.Select(f => Path.Combine(outDirectory, f)).Order(StringComparer.Ordinal), written);
        Assert.False(Directory.Exists(_run.OutputDirectory));
        Assert.Contains(outDirectory, console.OutText);
    }

    private static ulong At(long ms) => BaseNs + ((ulong)ms * 1_000_000);

    /// <summary>A well-formed record of a kind this version does not know (99): counted and skipped.</summary>
    private static byte[] Filler() => [0x93, 0x63, 0x01, 0xD9, 43, .. Enumerable.Repeat((byte)'x', 43)];

    private static HashSet<string> Files(string root) => [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)];

    private string[] Convert()
    {
        var (code, console) = CapturingConsole.Run("cctf", "--run-dir", _run.RunDirectory);
        Assert.True(code == 0, console.ErrorText);
        return File.ReadAllText(Path.Combine(_run.OutputDirectory, CctfFiles.AuditReport)).Split('\n');
    }
}
