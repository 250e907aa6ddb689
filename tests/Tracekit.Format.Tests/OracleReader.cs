using MessagePack;

namespace Tracekit.Format.Tests;

/// <summary>
/// Reads records with the MessagePack package's reader, independently of our decoder. Each field's
/// MessagePack type is checked before it is read, so a field written with the wrong type fails here too.
/// </summary>
internal static class OracleReader
{
    public static object Read(byte[] payload)
    {
        var r = new MessagePackReader(payload);
        int count = r.ReadArrayHeader();
        var kind = (RecordKind)U64(ref r);
        ulong ts = U64(ref r);
        object record = kind switch
        {
            RecordKind.HostCpu => new HostCpu
            {
                TimestampNs = ts, Cpu = I32(ref r), UserTicks = U64(ref r), NiceTicks = U64(ref r), SystemTicks = U64(ref r),
                IdleTicks = U64(ref r), IowaitTicks = U64(ref r), IrqTicks = U64(ref r), SoftirqTicks = U64(ref r), StealTicks = U64(ref r),
            },
            RecordKind.HostMemory => new HostMemory
            {
                TimestampNs = ts, MemTotalKb = U64(ref r), MemFreeKb = U64(ref r), MemAvailableKb = U64(ref r), BuffersKb = U64(ref r),
                CachedKb = U64(ref r), SwapTotalKb = U64(ref r), SwapFreeKb = U64(ref r),
            },
            RecordKind.NetDevice => new NetDevice
            {
                TimestampNs = ts, Interface = Str(ref r), RxBytes = U64(ref r), RxPackets = U64(ref r), RxErrors = U64(ref r),
                RxDropped = U64(ref r), TxBytes = U64(ref r), TxPackets = U64(ref r), TxErrors = U64(ref r), TxDropped = U64(ref r),
            },
            RecordKind.ProcessSample => new ProcessSample
            {
                TimestampNs = ts, Pid = I32(ref r), StartTicks = U64(ref r), CpuTimeNs = U64(ref r), CpuSource = (CpuSource)U8(ref r),
                RssKb = U64(ref r), Threads = I32(ref r),
            },
            RecordKind.ProcessStart => new ProcessStart
            {
                TimestampNs = ts, Pid = I32(ref r), StartTicks = U64(ref r), Ppid = I32(ref r), Command = Str(ref r), CommandLine = StrOrNil(ref r),
            },
            RecordKind.ProcessExit => new ProcessExit
            {
                TimestampNs = ts, Pid = I32(ref r), StartTicks = U64(ref r), ExitStatus = (int?)I64OrNil(ref r, int.MinValue, int.MaxValue),
                UserTimeUs = I64OrNil(ref r), SystemTimeUs = I64OrNil(ref r), MaxRssKb = I64OrNil(ref r),
            },
            RecordKind.CgroupSample => new CgroupSample
            {
                TimestampNs = ts, Path = Str(ref r), Version = I32(ref r), CpuUsageNs = U64(ref r), MemoryBytes = U64(ref r),
                MemoryPeakBytes = I64OrNil(ref r), MemoryLimitBytes = I64OrNil(ref r),
            },
            RecordKind.InvocationStart => new InvocationStart
            {
                TimestampNs = ts, TraceId = Str(ref r), SpanId = Str(ref r), ParentId = StrOrNil(ref r), ModuleId = StrOrNil(ref r),
                InstanceId = StrOrNil(ref r), EnqueueNs = I64OrNil(ref r), Method = StrOrNil(ref r), Path = StrOrNil(ref r),
                Pid = (int?)I64OrNil(ref r, int.MinValue, int.MaxValue), PidStartTicks = I64OrNil(ref r), Input = StrOrNil(ref r),
                Output = StrOrNil(ref r), Cpuset = StrOrNil(ref r), Cgroup = StrOrNil(ref r),
                SampleRatio = count > InvocationStart.MinElementCount ? F64OrNil(ref r) : null,
            },
            RecordKind.InvocationEnd => new InvocationEnd
            {
                TimestampNs = ts, TraceId = Str(ref r), SpanId = Str(ref r), Status = (int?)I64OrNil(ref r, int.MinValue, int.MaxValue),
                BytesIn = I64OrNil(ref r), BytesOut = I64OrNil(ref r), CpuTimeNs = I64OrNil(ref r), PeakRssKb = I64OrNil(ref r),
            },
            RecordKind.DotnetMetric => new DotnetMetric
            {
                TimestampNs = ts, Pid = I32(ref r), Meter = Str(ref r), Instrument = Str(ref r), Value = F64(ref r), Unit = StrOrNil(ref r),
            },
            RecordKind.DotnetEvent => new DotnetEvent
            {
                TimestampNs = ts, Pid = I32(ref r), EventType = (DotnetEventType)U8(ref r), Sequence = U64(ref r),
                DurationNs = I64OrNil(ref r), Detail = StrOrNil(ref r),
            },
            RecordKind.NodeInfo => new NodeInfo
            {
                TimestampNs = ts, Hostname = Str(ref r), CpuModel = Str(ref r), CoreCount = I32(ref r), MaxMhz = F64(ref r),
                MemTotalKb = U64(ref r), ClockTicksPerSecond = I32(ref r), PageSizeInBytes = I32(ref r), BootTimeRealtimeNs = I64(ref r),
                Kernel = Str(ref r),
            },
            RecordKind.Link => new Link
            {
                TimestampNs = ts, Interface = Str(ref r), SpeedMbps = I64OrNil(ref r), Peer = StrOrNil(ref r), RttNs = I64OrNil(ref r),
            },
            RecordKind.Placement => new Placement
            {
                TimestampNs = ts, AppId = Str(ref r), ModuleId = Str(ref r), InstanceId = Str(ref r), NodeId = Str(ref r),
                Event = Str(ref r), Stage = Str(ref r), CpuUnits = count > 8 ? I32OrNil(ref r) : null,
            },
            RecordKind.ClockAnchor => new ClockAnchor
            {
                TimestampNs = ts, RealtimeNs = I64(ref r), ClockSyncState = I32(ref r), ClockStatus = I32(ref r),
                ClockOffsetNs = I64(ref r), ClockMaxErrorNs = I64(ref r), ClockEstErrorNs = I64(ref r),
            },
            RecordKind.SelfReport => new SelfReport
            {
                TimestampNs = ts, Ticks = U64(ref r), MissedTicks = U64(ref r), LateTicks = U64(ref r), MaxLatenessNs = U64(ref r),
                RecordsWritten = U64(ref r), RecordsDropped = U64(ref r), RecordsOverwritten = U64(ref r), CpuUserNs = U64(ref r),
                CpuSystemNs = U64(ref r), RssKb = U64(ref r),
            },
            _ => throw new InvalidDataException("unknown kind " + kind),
        };
        // A version 1.0 InvocationStart (no sampleRatio) is whole at its minimum count; a Placement with cpuUnits (1.2)
        // has one element more than one without.
        int known = record switch
        {
            InvocationStart when count == InvocationStart.MinElementCount => InvocationStart.MinElementCount,
            Placement { CpuUnits: not null } => Placement.ElementCountWithCpuUnits,
            _ => (int)record.GetType().GetField("ElementCount")!.GetRawConstantValue()!,
        };
        if (count < known)
        {
            throw new InvalidDataException("array shorter than the kind");
        }
        for (int i = known; i < count; i++)
        {
            r.Skip();
        }
        if (!r.End)
        {
            throw new InvalidDataException("trailing bytes");
        }
        return record;
    }

    private static void Expect(ref MessagePackReader r, MessagePackType type)
    {
        if (r.NextMessagePackType != type)
        {
            throw new InvalidDataException($"expected {type} at {r.Consumed}, found {r.NextMessagePackType}");
        }
    }

    private static ulong U64(ref MessagePackReader r)
    {
        Expect(ref r, MessagePackType.Integer);
        return r.ReadUInt64();
    }

    private static byte U8(ref MessagePackReader r)
    {
        Expect(ref r, MessagePackType.Integer);
        return r.ReadByte();
    }

    private static int? I32OrNil(ref MessagePackReader r)
    {
        if (r.TryReadNil()) return null;
        return I32(ref r);
    }

    private static int I32(ref MessagePackReader r)
    {
        Expect(ref r, MessagePackType.Integer);
        return r.ReadInt32();
    }

    private static long I64(ref MessagePackReader r)
    {
        Expect(ref r, MessagePackType.Integer);
        return r.ReadInt64();
    }

    private static long? I64OrNil(ref MessagePackReader r, long min = long.MinValue, long max = long.MaxValue)
    {
        if (r.TryReadNil())
        {
            return null;
        }
        long value = I64(ref r);
        return value >= min && value <= max ? value : throw new OverflowException();
    }

    private static double F64(ref MessagePackReader r)
    {
        Expect(ref r, MessagePackType.Float);
        return r.ReadDouble();
    }

    private static double? F64OrNil(ref MessagePackReader r) => r.TryReadNil() ? null : F64(ref r);

    private static string Str(ref MessagePackReader r)
    {
        Expect(ref r, MessagePackType.String);
        return r.ReadString()!;
    }

    private static string? StrOrNil(ref MessagePackReader r) => r.TryReadNil() ? null : Str(ref r);
}
