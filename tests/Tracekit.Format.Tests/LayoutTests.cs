using System.Reflection;

namespace Tracekit.Format.Tests;

/// <summary>
/// Pins the record layout of docs/ring-format.md section 4. A failure here is a format change: update the
/// document and the version, not just the expected value.
/// </summary>
public sealed class LayoutTests
{
    [Fact]
    public void TryEncode_ProcessSample_WritesPinnedBytes()
    {
        var record = new ProcessSample
        {
            TimestampNs = 1_000_000_000, Pid = 4242, StartTicks = 123_456, CpuTimeNs = 5_000_000_000,
            CpuSource = CpuSource.Schedstat, RssKb = 200, Threads = 12,
        };

        // fixarray(8) kind=4 uint32 ts, uint16 pid, uint32 startTicks, uint64 cpuTimeNs, cpuSource=1, uint8 rssKb, threads=12
        Assert.Equal("98" + "04" + "CE3B9ACA00" + "CD1092" + "CE0001E240" + "CF000000012A05F200" + "01" + "CCC8" + "0C", Hex(record));
    }

    [Fact]
    public void TryEncode_LinkWithNils_WritesPinnedBytes()
    {
        var record = new Link { TimestampNs = 15, Interface = "lo", SpeedMbps = null, Peer = null, RttNs = -1 };

        Assert.Equal("96" + "0D" + "0F" + "A26C6F" + "C0" + "C0" + "FF", Hex(record));
    }

    [Fact]
    public void TryEncode_ClockAnchor_WritesPinnedBytes()
    {
        var record = new ClockAnchor
        {
            TimestampNs = 0, RealtimeNs = 1_732_550_000_000_000_000, ClockSyncState = -1, ClockStatus = 0x40,
            ClockOffsetNs = -33, ClockMaxErrorNs = 16_000_000, ClockEstErrorNs = 0,
        };

        Assert.Equal("98" + "0F" + "00" + "CF180B410BA99A6000" + "FF" + "40" + "D0DF" + "CE00F42400" + "00", Hex(record));
    }

    [Fact]
    public void TryEncode_InvocationStart_UsesArray16ForSeventeenElements()
    {
        var record = new InvocationStart { TimestampNs = 1, TraceId = "t", SpanId = "s" };

        Assert.Equal("DC0011" + "08" + "01" + "A174" + "A173" + string.Concat(Enumerable.Repeat("C0", 13)), Hex(record));
    }

    [Fact]
    public void TryEncode_InvocationStartWithSampleRatio_AppendsFloat64Last()
    {
        var record = new InvocationStart { TimestampNs = 1, TraceId = "t", SpanId = "s", SampleRatio = 0.1 };

        Assert.Equal("DC0011" + "08" + "01" + "A174" + "A173" + string.Concat(Enumerable.Repeat("C0", 12)) + "CB3FB999999999999A", Hex(record));
    }

    [Fact]
    public void RecordKind_Values_MatchTheDocument()
    {
        string[] expected =
        [
            "Unknown=0", "HostCpu=1", "HostMemory=2", "NetDevice=3", "ProcessSample=4", "ProcessStart=5", "ProcessExit=6",
            "CgroupSample=7", "InvocationStart=8", "InvocationEnd=9", "DotnetMetric=10", "DotnetEvent=11", "NodeInfo=12",
            "Link=13", "Placement=14", "ClockAnchor=15", "SelfReport=16",
        ];

        Assert.Equal(expected, Enum.GetValues<RecordKind>().Select(kind => $"{kind}={(byte)kind}"));
    }

    [Fact]
    public void FieldEnums_Values_MatchTheDocument()
    {
        Assert.Equal(["StatTicks=0", "Schedstat=1", "Cgroup=2", "ProcessClock=3"], Enum.GetValues<CpuSource>().Select(v => $"{v}={(byte)v}"));
        Assert.Equal(
            ["GcStart=1", "GcStop=2", "RequestStart=3", "RequestStop=4"],
            Enum.GetValues<DotnetEventType>().Select(v => $"{v}={(byte)v}"));
        Assert.Equal(1, FormatVersion.Current);
    }

    [Theory]
    [InlineData(RecordKind.HostCpu, "TimestampNs Cpu UserTicks NiceTicks SystemTicks IdleTicks IowaitTicks IrqTicks SoftirqTicks StealTicks")]
    [InlineData(RecordKind.HostMemory, "TimestampNs MemTotalKb MemFreeKb MemAvailableKb BuffersKb CachedKb SwapTotalKb SwapFreeKb")]
    [InlineData(RecordKind.NetDevice, "TimestampNs Interface RxBytes RxPackets RxErrors RxDropped TxBytes TxPackets TxErrors TxDropped")]
    [InlineData(RecordKind.ProcessSample, "TimestampNs Pid StartTicks CpuTimeNs CpuSource RssKb Threads")]
    [InlineData(RecordKind.ProcessStart, "TimestampNs Pid StartTicks Ppid Command CommandLine?")]
    [InlineData(RecordKind.ProcessExit, "TimestampNs Pid StartTicks ExitStatus? UserTimeUs? SystemTimeUs? MaxRssKb?")]
    [InlineData(RecordKind.CgroupSample, "TimestampNs Path Version CpuUsageNs MemoryBytes MemoryPeakBytes? MemoryLimitBytes?")]
    [InlineData(RecordKind.InvocationStart, "TimestampNs TraceId SpanId ParentId? ModuleId? InstanceId? EnqueueNs? Method? Path? Pid? PidStartTicks? Input? Output? Cpuset? Cgroup? SampleRatio?")]
    [InlineData(RecordKind.InvocationEnd, "TimestampNs TraceId SpanId Status? BytesIn? BytesOut? CpuTimeNs? PeakRssKb?")]
    [InlineData(RecordKind.DotnetMetric, "TimestampNs Pid Meter Instrument Value Unit?")]
    [InlineData(RecordKind.DotnetEvent, "TimestampNs Pid EventType Sequence DurationNs? Detail?")]
    [InlineData(RecordKind.NodeInfo, "TimestampNs Hostname CpuModel CoreCount MaxMhz MemTotalKb ClockTicksPerSecond PageSizeInBytes BootTimeRealtimeNs Kernel")]
    [InlineData(RecordKind.Link, "TimestampNs Interface SpeedMbps? Peer? RttNs?")]
    [InlineData(RecordKind.Placement, "TimestampNs AppId ModuleId InstanceId NodeId Event Stage CpuUnits?")]
    [InlineData(RecordKind.ClockAnchor, "TimestampNs RealtimeNs ClockSyncState ClockStatus ClockOffsetNs ClockMaxErrorNs ClockEstErrorNs")]
    [InlineData(RecordKind.SelfReport, "TimestampNs Ticks MissedTicks LateTicks MaxLatenessNs RecordsWritten RecordsDropped RecordsOverwritten CpuUserNs CpuSystemNs RssKb")]
    public void RecordStruct_Fields_MatchTheDocumentInWireOrder(RecordKind kind, string expectedFields)
    {
        Type type = Codec.TypeOf(kind);
        var nullability = new NullabilityInfoContext();
        FieldInfo[] fields = type.GetFields(BindingFlags.Public | BindingFlags.Instance);

        string actual = string.Join(' ', fields.Select(field =>
            field.Name + (nullability.Create(field).WriteState == NullabilityState.Nullable ? "?" : string.Empty)));

        Assert.Equal(expectedFields, actual);
        // ElementCount is version 1's; a field a minor version appended has a larger ElementCount… constant of its own.
        int latestElementCount = type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.StartsWith("ElementCount", StringComparison.Ordinal)).Max(f => (int)f.GetRawConstantValue()!);
        Assert.Equal(fields.Length + 1, latestElementCount);
    }

    [Fact]
    public void MaxFixedSizeInBytes_Always_CoversSixteenNineByteElements()
    {
        Assert.Equal(147, RecordEncoder.MaxFixedSizeInBytes);
        Assert.Equal(147 + 30, RecordEncoder.MaxEncodedSizeInBytes(10));
    }

    private static string Hex(object record) => Convert.ToHexString(Codec.Encode(record));
}
