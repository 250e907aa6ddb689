using System.Runtime.CompilerServices;

namespace Tracekit.Format;

// Host, process and cgroup records. Fields are read in wire order straight into the result.
public static partial class RecordDecoder
{
    public static bool TryDecode(ReadOnlySpan<byte> payload, out HostCpu record, out DecodeError error)
    {
        var r = new MsgPackReader(payload);
        record = default;
        bool ok = TryBegin(ref r, RecordKind.HostCpu, HostCpu.ElementCount, out record.TimestampNs, out int extra)
            && r.TryReadInt32(out record.Cpu)
            && r.TryReadUInt64(out record.UserTicks)
            && r.TryReadUInt64(out record.NiceTicks)
            && r.TryReadUInt64(out record.SystemTicks)
            && r.TryReadUInt64(out record.IdleTicks)
            && r.TryReadUInt64(out record.IowaitTicks)
            && r.TryReadUInt64(out record.IrqTicks)
            && r.TryReadUInt64(out record.SoftirqTicks)
            && r.TryReadUInt64(out record.StealTicks)
            && TryEnd(ref r, extra);
        return Finish(in r, ok, ref record, out error);
    }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out HostMemory record, out DecodeError error)
    {
        var r = new MsgPackReader(payload);
        record = default;
        bool ok = TryBegin(ref r, RecordKind.HostMemory, HostMemory.ElementCount, out record.TimestampNs, out int extra)
            && r.TryReadUInt64(out record.MemTotalKb)
            && r.TryReadUInt64(out record.MemFreeKb)
            && r.TryReadUInt64(out record.MemAvailableKb)
            && r.TryReadUInt64(out record.BuffersKb)
            && r.TryReadUInt64(out record.CachedKb)
            && r.TryReadUInt64(out record.SwapTotalKb)
            && r.TryReadUInt64(out record.SwapFreeKb)
            && TryEnd(ref r, extra);
        return Finish(in r, ok, ref record, out error);
    }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out NetDevice record, out DecodeError error)
    {
        var r = new MsgPackReader(payload);
        record = default;
        bool ok = TryBegin(ref r, RecordKind.NetDevice, NetDevice.ElementCount, out record.TimestampNs, out int extra)
            && r.TryReadString(out record.Interface)
            && r.TryReadUInt64(out record.RxBytes)
            && r.TryReadUInt64(out record.RxPackets)
            && r.TryReadUInt64(out record.RxErrors)
            && r.TryReadUInt64(out record.RxDropped)
            && r.TryReadUInt64(out record.TxBytes)
            && r.TryReadUInt64(out record.TxPackets)
            && r.TryReadUInt64(out record.TxErrors)
            && r.TryReadUInt64(out record.TxDropped)
            && TryEnd(ref r, extra);
        return Finish(in r, ok, ref record, out error);
    }

    /// <summary>
    /// The hot record. The fast path takes the usual shape (exactly 8 elements, valid integers, nothing after)
    /// with the position in a register; anything else, valid or not, is decided by the checked path.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, out ProcessSample record, out DecodeError error)
    {
        if (TryDecodeProcessSampleFast(payload, out record))
        {
            error = default;
            return true;
        }
        return TryDecodeProcessSampleChecked(payload, out record, out error);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryDecodeProcessSampleFast(ReadOnlySpan<byte> payload, out ProcessSample record)
    {
        record = default;
        int position = 2;
        ulong cpuSource = 0;
        bool ok = payload.Length > position
            && payload[0] == (MsgPackCode.MinFixArray | ProcessSample.ElementCount)
            && payload[1] == (byte)RecordKind.ProcessSample
            && MsgPackScalars.TryReadUInt64(payload, ref position, out record.TimestampNs)
            && MsgPackScalars.TryReadInt32(payload, ref position, out record.Pid)
            && MsgPackScalars.TryReadUInt64(payload, ref position, out record.StartTicks)
            && MsgPackScalars.TryReadUInt64(payload, ref position, out record.CpuTimeNs)
            && MsgPackScalars.TryReadUInt64(payload, ref position, out cpuSource)
            && cpuSource <= (ulong)LastCpuSource
            && MsgPackScalars.TryReadUInt64(payload, ref position, out record.RssKb)
            && MsgPackScalars.TryReadInt32(payload, ref position, out record.Threads)
            && position == payload.Length;
        record.CpuSource = (CpuSource)cpuSource;
        return ok;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryDecodeProcessSampleChecked(ReadOnlySpan<byte> payload, out ProcessSample record, out DecodeError error)
    {
        var r = new MsgPackReader(payload);
        record = default;
        bool ok = TryBegin(ref r, RecordKind.ProcessSample, ProcessSample.ElementCount, out record.TimestampNs, out int extra)
            && r.TryReadInt32(out record.Pid)
            && r.TryReadUInt64(out record.StartTicks)
            && r.TryReadUInt64(out record.CpuTimeNs)
            && TryReadCpuSource(ref r, out record.CpuSource)
            && r.TryReadUInt64(out record.RssKb)
            && r.TryReadInt32(out record.Threads)
            && TryEnd(ref r, extra);
        return Finish(in r, ok, ref record, out error);
    }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out ProcessStart record, out DecodeError error)
    {
        var r = new MsgPackReader(payload);
        record = default;
        bool ok = TryBegin(ref r, RecordKind.ProcessStart, ProcessStart.ElementCount, out record.TimestampNs, out int extra)
            && r.TryReadInt32(out record.Pid)
            && r.TryReadUInt64(out record.StartTicks)
            && r.TryReadInt32(out record.Ppid)
            && r.TryReadString(out record.Command)
            && r.TryReadNullableString(out record.CommandLine)
            && TryEnd(ref r, extra);
        return Finish(in r, ok, ref record, out error);
    }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out ProcessExit record, out DecodeError error)
    {
        var r = new MsgPackReader(payload);
        record = default;
        bool ok = TryBegin(ref r, RecordKind.ProcessExit, ProcessExit.ElementCount, out record.TimestampNs, out int extra)
            && r.TryReadInt32(out record.Pid)
            && r.TryReadUInt64(out record.StartTicks)
            && r.TryReadNullableInt32(out record.ExitStatus)
            && r.TryReadNullableInt64(out record.UserTimeUs)
            && r.TryReadNullableInt64(out record.SystemTimeUs)
            && r.TryReadNullableInt64(out record.MaxRssKb)
            && TryEnd(ref r, extra);
        return Finish(in r, ok, ref record, out error);
    }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out CgroupSample record, out DecodeError error)
    {
        var r = new MsgPackReader(payload);
        record = default;
        bool ok = TryBegin(ref r, RecordKind.CgroupSample, CgroupSample.ElementCount, out record.TimestampNs, out int extra)
            && r.TryReadString(out record.Path)
            && r.TryReadInt32(out record.Version)
            && r.TryReadUInt64(out record.CpuUsageNs)
            && r.TryReadUInt64(out record.MemoryBytes)
            && r.TryReadNullableInt64(out record.MemoryPeakBytes)
            && r.TryReadNullableInt64(out record.MemoryLimitBytes)
            && TryEnd(ref r, extra);
        return Finish(in r, ok, ref record, out error);
    }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out NodeInfo record, out DecodeError error)
    {
        var r = new MsgPackReader(payload);
        record = default;
        bool ok = TryBegin(ref r, RecordKind.NodeInfo, NodeInfo.ElementCount, out record.TimestampNs, out int extra)
            && r.TryReadString(out record.Hostname)
            && r.TryReadString(out record.CpuModel)
            && r.TryReadInt32(out record.CoreCount)
            && r.TryReadDouble(out record.MaxMhz)
            && r.TryReadUInt64(out record.MemTotalKb)
            && r.TryReadInt32(out record.ClockTicksPerSecond)
            && r.TryReadInt32(out record.PageSizeInBytes)
            && r.TryReadInt64(out record.BootTimeRealtimeNs)
            && r.TryReadString(out record.Kernel)
            && TryEnd(ref r, extra);
        return Finish(in r, ok, ref record, out error);
    }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out Link record, out DecodeError error)
    {
        var r = new MsgPackReader(payload);
        record = default;
        bool ok = TryBegin(ref r, RecordKind.Link, Link.ElementCount, out record.TimestampNs, out int extra)
            && r.TryReadString(out record.Interface)
            && r.TryReadNullableInt64(out record.SpeedMbps)
            && r.TryReadNullableString(out record.Peer)
            && r.TryReadNullableInt64(out record.RttNs)
            && TryEnd(ref r, extra);
        return Finish(in r, ok, ref record, out error);
    }
}
