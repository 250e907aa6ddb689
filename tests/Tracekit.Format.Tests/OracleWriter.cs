using System.Buffers;
using MessagePack;

namespace Tracekit.Format.Tests;

/// <summary>
/// Writes records with the MessagePack package's own writer, independently of our encoder, following
/// docs/ring-format.md section 4 field by field.
/// </summary>
internal static class OracleWriter
{
    /// <param name="extraElements">Elements appended as a later minor version would (a string, a map, an int…).</param>
    public static byte[] Write(object record, int extraElements = 0)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new MessagePackWriter(buffer);
        RecordKind kind = Codec.KindOf(record);
        int count = record is Placement { CpuUnits: not null } ? Placement.ElementCountWithCpuUnits : (int)record.GetType().GetField("ElementCount")!.GetRawConstantValue()!;
        w.WriteArrayHeader(count + extraElements);
        w.Write((byte)kind);
        switch (record)
        {
            case HostCpu r:
                w.Write(r.TimestampNs); w.Write(r.Cpu); w.Write(r.UserTicks); w.Write(r.NiceTicks); w.Write(r.SystemTicks);
                w.Write(r.IdleTicks); w.Write(r.IowaitTicks); w.Write(r.IrqTicks); w.Write(r.SoftirqTicks); w.Write(r.StealTicks);
                break;
            case HostMemory r:
                w.Write(r.TimestampNs); w.Write(r.MemTotalKb); w.Write(r.MemFreeKb); w.Write(r.MemAvailableKb); w.Write(r.BuffersKb);
                w.Write(r.CachedKb); w.Write(r.SwapTotalKb); w.Write(r.SwapFreeKb);
                break;
            case NetDevice r:
                w.Write(r.TimestampNs); w.Write(r.Interface); w.Write(r.RxBytes); w.Write(r.RxPackets); w.Write(r.RxErrors);
                w.Write(r.RxDropped); w.Write(r.TxBytes); w.Write(r.TxPackets); w.Write(r.TxErrors); w.Write(r.TxDropped);
                break;
            case ProcessSample r:
                w.Write(r.TimestampNs); w.Write(r.Pid); w.Write(r.StartTicks); w.Write(r.CpuTimeNs); w.Write((byte)r.CpuSource);
                w.Write(r.RssKb); w.Write(r.Threads);
                break;
            case ProcessStart r:
                w.Write(r.TimestampNs); w.Write(r.Pid); w.Write(r.StartTicks); w.Write(r.Ppid); w.Write(r.Command); w.Write(r.CommandLine);
                break;
            case ProcessExit r:
                w.Write(r.TimestampNs); w.Write(r.Pid); w.Write(r.StartTicks); Int(ref w, r.ExitStatus); Int(ref w, r.UserTimeUs);
                Int(ref w, r.SystemTimeUs); Int(ref w, r.MaxRssKb);
                break;
            case CgroupSample r:
                w.Write(r.TimestampNs); w.Write(r.Path); w.Write(r.Version); w.Write(r.CpuUsageNs); w.Write(r.MemoryBytes);
                Int(ref w, r.MemoryPeakBytes); Int(ref w, r.MemoryLimitBytes);
                break;
            case InvocationStart r:
                w.Write(r.TimestampNs); w.Write(r.TraceId); w.Write(r.SpanId); w.Write(r.ParentId); w.Write(r.ModuleId);
                w.Write(r.InstanceId); Int(ref w, r.EnqueueNs); w.Write(r.Method); w.Write(r.Path); Int(ref w, r.Pid);
                Int(ref w, r.PidStartTicks); w.Write(r.Input); w.Write(r.Output); w.Write(r.Cpuset); w.Write(r.Cgroup);
                Float(ref w, r.SampleRatio);
                break;
            case InvocationEnd r:
                w.Write(r.TimestampNs); w.Write(r.TraceId); w.Write(r.SpanId); Int(ref w, r.Status); Int(ref w, r.BytesIn);
                Int(ref w, r.BytesOut); Int(ref w, r.CpuTimeNs); Int(ref w, r.PeakRssKb);
                break;
            case DotnetMetric r:
                w.Write(r.TimestampNs); w.Write(r.Pid); w.Write(r.Meter); w.Write(r.Instrument); w.Write(r.Value); w.Write(r.Unit);
                break;
            case DotnetEvent r:
                w.Write(r.TimestampNs); w.Write(r.Pid); w.Write((byte)r.EventType); w.Write(r.Sequence); Int(ref w, r.DurationNs);
                w.Write(r.Detail);
                break;
            case NodeInfo r:
                w.Write(r.TimestampNs); w.Write(r.Hostname); w.Write(r.CpuModel); w.Write(r.CoreCount); w.Write(r.MaxMhz);
                w.Write(r.MemTotalKb); w.Write(r.ClockTicksPerSecond); w.Write(r.PageSizeInBytes); w.Write(r.BootTimeRealtimeNs);
                w.Write(r.Kernel);
                break;
            case Link r:
                w.Write(r.TimestampNs); w.Write(r.Interface); Int(ref w, r.SpeedMbps); w.Write(r.Peer); Int(ref w, r.RttNs);
                break;
            case Placement r:
                w.Write(r.TimestampNs); w.Write(r.AppId); w.Write(r.ModuleId); w.Write(r.InstanceId); w.Write(r.NodeId);
                w.Write(r.Event); w.Write(r.Stage);
                if (r.CpuUnits is int units) w.Write(units);
                break;
            case ClockAnchor r:
                w.Write(r.TimestampNs); w.Write(r.RealtimeNs); w.Write(r.ClockSyncState); w.Write(r.ClockStatus);
                w.Write(r.ClockOffsetNs); w.Write(r.ClockMaxErrorNs); w.Write(r.ClockEstErrorNs);
                break;
            case SelfReport r:
                w.Write(r.TimestampNs); w.Write(r.Ticks); w.Write(r.MissedTicks); w.Write(r.LateTicks); w.Write(r.MaxLatenessNs);
                w.Write(r.RecordsWritten); w.Write(r.RecordsDropped); w.Write(r.RecordsOverwritten); w.Write(r.CpuUserNs);
                w.Write(r.CpuSystemNs); w.Write(r.RssKb);
                break;
            default:
                throw new ArgumentException("not a record: " + record.GetType());
        }
        WriteExtras(ref w, extraElements);
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static void Float(ref MessagePackWriter w, double? value)
    {
        if (value.HasValue)
        {
            w.Write(value.Value);
        }
        else
        {
            w.WriteNil();
        }
    }

    private static void Int(ref MessagePackWriter w, long? value)
    {
        if (value.HasValue)
        {
            w.Write(value.Value);
        }
        else
        {
            w.WriteNil();
        }
    }

    /// <summary>A mix of types, containers included, that a later version could append.</summary>
    private static void WriteExtras(ref MessagePackWriter w, int count)
    {
        for (int i = 0; i < count; i++)
        {
            switch (i % 5)
            {
                case 0: w.Write("future field"); break;
                case 1: w.WriteMapHeader(1); w.Write("k"); w.WriteArrayHeader(2); w.Write(1.5); w.WriteNil(); break;
                case 2: w.Write(ulong.MaxValue); break;
                case 3: w.Write(new byte[] { 1, 2, 3 }); break;
                default: w.WriteExtensionFormat(new ExtensionResult(5, new byte[] { 9, 9 })); break;
            }
        }
    }
}
