using CsCheck;

namespace Tracekit.Format.Tests;

/// <summary>CsCheck generators for every field type and record kind, biased towards encoding boundaries.</summary>
internal static class Gens
{
    public static readonly ulong[] UInt64Edges =
    [
        0, 1, 31, 32, 127, 128, 255, 256, 65_535, 65_536, uint.MaxValue, (ulong)uint.MaxValue + 1,
        long.MaxValue, (ulong)long.MaxValue + 1, ulong.MaxValue - 1, ulong.MaxValue,
    ];

    public static readonly long[] Int64Edges =
    [
        long.MinValue, long.MinValue + 1, (long)int.MinValue - 1, int.MinValue, -32_769, -32_768, -129, -128, -33, -32, -1,
        0, 1, 127, 128, 255, 256, 32_767, 32_768, 65_535, 65_536, int.MaxValue, (long)int.MaxValue + 1, uint.MaxValue,
        (long)uint.MaxValue + 1, long.MaxValue,
    ];

    public static readonly Gen<ulong> UInt64 = Gen.Frequency(
        (2, Gen.ULong),
        (2, Gen.OneOf(UInt64Edges)),
        (2, Gen.Long[0, 1_000_000].Select(value => (ulong)value)));

    public static readonly Gen<long> Int64 = Gen.Frequency(
        (2, Gen.Long),
        (2, Gen.OneOf(Int64Edges)),
        (2, Gen.Long[-1_000_000, 1_000_000]));

    public static readonly Gen<int> Int32 = Gen.Frequency(
        (2, Gen.Int),
        (2, Gen.OneOf(Int64Edges.Where(value => value >= int.MinValue && value <= int.MaxValue).Select(value => (int)value).ToArray())),
        (2, Gen.Int[-1_000, 100_000]));

    public static readonly Gen<long?> NullableInt64 = Gen.Nullable(Int64, 0.25);

    public static readonly Gen<int?> NullableInt32 = Gen.Nullable(Int32, 0.25);

    /// <summary>InvocationStart.SampleRatio: nil, or a ratio in (0, 1] (1 itself often: the unsampled default).</summary>
    public static readonly Gen<double?> SampleRatio = Gen.Nullable(Gen.Frequency((3, Gen.Double[double.Epsilon, 1]), (1, Gen.Const(1.0))), 0.25);

    public static readonly Gen<double> Double = Gen.Frequency((4, Gen.Double), (1, Gen.Double.Special));

    /// <summary>Valid Unicode scalars (no lone surrogates, which UTF-8 cannot carry), astral planes included.</summary>
    private static readonly Gen<string> Scalar = Gen.Frequency(
        (3, Gen.Int[0x20, 0x7e]),
        (2, Gen.Int[0x80, 0xd7ff]),
        (1, Gen.Int[0xe000, 0xfffd]),
        (1, Gen.Int[0x10000, 0x10ffff]))
        .Select(char.ConvertFromUtf32);

    private static readonly Gen<string> Unicode = Scalar.Array[0, 40].Select(string.Concat);

    private static readonly Gen<string> Ascii = Gen.String["abcdefghijklmnopqrstuvwxyz0123456789-_./ "];

    /// <summary>Lengths around the fixstr/str8/str16 boundaries; 'é' is 2 UTF-8 bytes, '中' is 3.</summary>
    private static readonly Gen<string> Long = Gen.Select(
        Gen.Int[28, 300], Gen.OneOf('a', 'é', '中'), (length, c) => new string(c, length));

    /// <summary>Rare: more than 65,535 UTF-8 bytes, which needs str32.</summary>
    private static readonly Gen<string> Huge = Gen.Int[21_840, 22_000].Select(length => new string('中', length));

    public static readonly Gen<string> String = Gen.Frequency(
        (2, Gen.Const(string.Empty)),
        (8, Ascii),
        (6, Unicode),
        (3, Long),
        (1, Huge));

    public static readonly Gen<string?> NullableString = Gen.Null(String, 0.25);

    public static Gen<object> Of(RecordKind kind) => kind switch
    {
        RecordKind.HostCpu => Gen.Select(UInt64, Gen.Int[-1, 4096], UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            (ts, cpu, user, nice, system, idle, iowait, irq, softirq, steal) => (object)new HostCpu
            {
                TimestampNs = ts, Cpu = cpu, UserTicks = user, NiceTicks = nice, SystemTicks = system, IdleTicks = idle,
                IowaitTicks = iowait, IrqTicks = irq, SoftirqTicks = softirq, StealTicks = steal,
            }),
        RecordKind.HostMemory => Gen.Select(UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            (ts, total, free, available, buffers, cached, swapTotal, swapFree) => (object)new HostMemory
            {
                TimestampNs = ts, MemTotalKb = total, MemFreeKb = free, MemAvailableKb = available, BuffersKb = buffers,
                CachedKb = cached, SwapTotalKb = swapTotal, SwapFreeKb = swapFree,
            }),
        RecordKind.NetDevice => Gen.Select(UInt64, String, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            (ts, name, rxBytes, rxPackets, rxErrors, rxDropped, txBytes, txPackets, txErrors, txDropped) => (object)new NetDevice
            {
                TimestampNs = ts, Interface = name, RxBytes = rxBytes, RxPackets = rxPackets, RxErrors = rxErrors, RxDropped = rxDropped,
                TxBytes = txBytes, TxPackets = txPackets, TxErrors = txErrors, TxDropped = txDropped,
            }),
        RecordKind.ProcessSample => Gen.Select(UInt64, Int32, UInt64, UInt64, Gen.Enum<CpuSource>(), UInt64, Int32,
            (ts, pid, startTicks, cpu, source, rss, threads) => (object)new ProcessSample
            {
                TimestampNs = ts, Pid = pid, StartTicks = startTicks, CpuTimeNs = cpu, CpuSource = source, RssKb = rss, Threads = threads,
            }),
        RecordKind.ProcessStart => Gen.Select(UInt64, Int32, UInt64, Int32, String, NullableString,
            (ts, pid, startTicks, ppid, command, commandLine) => (object)new ProcessStart
            {
                TimestampNs = ts, Pid = pid, StartTicks = startTicks, Ppid = ppid, Command = command, CommandLine = commandLine,
            }),
        RecordKind.ProcessExit => Gen.Select(UInt64, Int32, UInt64, NullableInt32, NullableInt64, NullableInt64, NullableInt64,
            (ts, pid, startTicks, status, user, system, maxRss) => (object)new ProcessExit
            {
                TimestampNs = ts, Pid = pid, StartTicks = startTicks, ExitStatus = status, UserTimeUs = user, SystemTimeUs = system,
                MaxRssKb = maxRss,
            }),
        RecordKind.CgroupSample => Gen.Select(UInt64, String, Gen.Int[1, 2], UInt64, UInt64, NullableInt64, NullableInt64,
            (ts, path, version, cpu, memory, peak, limit) => (object)new CgroupSample
            {
                TimestampNs = ts, Path = path, Version = version, CpuUsageNs = cpu, MemoryBytes = memory, MemoryPeakBytes = peak,
                MemoryLimitBytes = limit,
            }),
        RecordKind.InvocationStart => Gen.Select(
            Gen.Select(UInt64, String, String, NullableString, NullableString, NullableString, NullableInt64, NullableString),
            Gen.Select(NullableString, NullableInt32, NullableInt64, NullableString, NullableString, NullableString, NullableString, SampleRatio),
            (a, b) => (object)new InvocationStart
            {
                TimestampNs = a.Item1, TraceId = a.Item2, SpanId = a.Item3, ParentId = a.Item4, ModuleId = a.Item5, InstanceId = a.Item6,
                EnqueueNs = a.Item7, Method = a.Item8, Path = b.Item1, Pid = b.Item2, PidStartTicks = b.Item3, Input = b.Item4,
                Output = b.Item5, Cpuset = b.Item6, Cgroup = b.Item7, SampleRatio = b.Item8,
            }),
        RecordKind.InvocationEnd => Gen.Select(UInt64, String, String, NullableInt32, NullableInt64, NullableInt64, NullableInt64, NullableInt64,
            (ts, trace, span, status, bytesIn, bytesOut, cpu, peak) => (object)new InvocationEnd
            {
                TimestampNs = ts, TraceId = trace, SpanId = span, Status = status, BytesIn = bytesIn, BytesOut = bytesOut,
                CpuTimeNs = cpu, PeakRssKb = peak,
            }),
        RecordKind.DotnetMetric => Gen.Select(UInt64, Int32, String, String, Double, NullableString,
            (ts, pid, meter, instrument, value, unit) => (object)new DotnetMetric
            {
                TimestampNs = ts, Pid = pid, Meter = meter, Instrument = instrument, Value = value, Unit = unit,
            }),
        RecordKind.DotnetEvent => Gen.Select(UInt64, Int32, Gen.Enum<DotnetEventType>(), UInt64, NullableInt64, NullableString,
            (ts, pid, type, sequence, duration, detail) => (object)new DotnetEvent
            {
                TimestampNs = ts, Pid = pid, EventType = type, Sequence = sequence, DurationNs = duration, Detail = detail,
            }),
        RecordKind.NodeInfo => Gen.Select(UInt64, String, String, Int32, Double, UInt64, Int32, Int32, Int64, String,
            (ts, host, model, cores, mhz, mem, hz, page, boot, kernel) => (object)new NodeInfo
            {
                TimestampNs = ts, Hostname = host, CpuModel = model, CoreCount = cores, MaxMhz = mhz, MemTotalKb = mem,
                ClockTicksPerSecond = hz, PageSizeInBytes = page, BootTimeRealtimeNs = boot, Kernel = kernel,
            }),
        RecordKind.Link => Gen.Select(UInt64, String, NullableInt64, NullableString, NullableInt64,
            (ts, name, speed, peer, rtt) => (object)new Link { TimestampNs = ts, Interface = name, SpeedMbps = speed, Peer = peer, RttNs = rtt }),
        // With the 1.2 field cpuUnits (docs/ring-format.md section 5), so appended elements come after it; the
        // version-1 layout without it is covered by PlacementCpuUnitsTests.
        RecordKind.Placement => Gen.Select(Gen.Select(UInt64, String, String, String, String, Gen.OneOf("start", "stop"), String,
            (ts, app, module, instance, node, placementEvent, stage) => new Placement
            {
                TimestampNs = ts, AppId = app, ModuleId = module, InstanceId = instance, NodeId = node, Event = placementEvent, Stage = stage,
            }), Gen.Int[0, 100_000], (placement, units) => (object)(placement with { CpuUnits = units })),
        RecordKind.ClockAnchor => Gen.Select(UInt64, Int64, Gen.Int[-1, 5], Int32, Int64, Int64, Int64,
            (ts, realtime, state, status, offset, maxError, estError) => (object)new ClockAnchor
            {
                TimestampNs = ts, RealtimeNs = realtime, ClockSyncState = state, ClockStatus = status, ClockOffsetNs = offset,
                ClockMaxErrorNs = maxError, ClockEstErrorNs = estError,
            }),
        RecordKind.SelfReport => Gen.Select(UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            (ts, ticks, missed, late, lateness, written, dropped, overwritten, user, system, rss) => (object)new SelfReport
            {
                TimestampNs = ts, Ticks = ticks, MissedTicks = missed, LateTicks = late, MaxLatenessNs = lateness, RecordsWritten = written,
                RecordsDropped = dropped, RecordsOverwritten = overwritten, CpuUserNs = user, CpuSystemNs = system, RssKb = rss,
            }),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
