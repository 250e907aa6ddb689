using System.Runtime.CompilerServices;

namespace Tracekit.Format;

/// <summary>
/// Encodes records as docs/ring-format.md section 4 defines them: one array <c>[kind, timestampNs, fields…]</c>.
/// No overload allocates. Each returns false, with <c>bytesWritten</c> = 0 and the destination's content
/// unspecified, when the record does not fit; it never throws for a short destination.
/// Required (non-nullable) strings that are null are written as empty strings, so the output always conforms.
/// </summary>
public static partial class RecordEncoder
{
    /// <summary>
    /// An upper bound of any record's size without its string bytes: a 3-byte array header plus at most 16
    /// elements of at most 9 bytes (a str header is at most 5). See <see cref="MaxEncodedSizeInBytes"/>.
    /// </summary>
    public const int MaxFixedSizeInBytes = 3 + (16 * MsgPackPrimitives.MaxScalarSizeInBytes);

    /// <summary>A buffer size that holds any record whose strings total at most 120 chars.</summary>
    public const int DefaultBufferSizeInBytes = 512;

    /// <summary>
    /// A destination of this size always holds a record whose strings total <paramref name="totalStringChars"/>
    /// UTF-16 chars, since one char encodes to at most 3 UTF-8 bytes.
    /// </summary>
    public static int MaxEncodedSizeInBytes(int totalStringChars) => MaxFixedSizeInBytes + (3 * totalStringChars);

    public static bool TryEncode(in HostCpu record, Span<byte> destination, out int bytesWritten)
    {
        var w = new MsgPackWriter(destination);
        bool ok = Begin(ref w, HostCpu.ElementCount, RecordKind.HostCpu, record.TimestampNs)
            && w.TryWriteInt64(record.Cpu)
            && w.TryWriteUInt64(record.UserTicks)
            && w.TryWriteUInt64(record.NiceTicks)
            && w.TryWriteUInt64(record.SystemTicks)
            && w.TryWriteUInt64(record.IdleTicks)
            && w.TryWriteUInt64(record.IowaitTicks)
            && w.TryWriteUInt64(record.IrqTicks)
            && w.TryWriteUInt64(record.SoftirqTicks)
            && w.TryWriteUInt64(record.StealTicks);
        return Finish(in w, ok, out bytesWritten);
    }

    public static bool TryEncode(in HostMemory record, Span<byte> destination, out int bytesWritten)
    {
        var w = new MsgPackWriter(destination);
        bool ok = Begin(ref w, HostMemory.ElementCount, RecordKind.HostMemory, record.TimestampNs)
            && w.TryWriteUInt64(record.MemTotalKb)
            && w.TryWriteUInt64(record.MemFreeKb)
            && w.TryWriteUInt64(record.MemAvailableKb)
            && w.TryWriteUInt64(record.BuffersKb)
            && w.TryWriteUInt64(record.CachedKb)
            && w.TryWriteUInt64(record.SwapTotalKb)
            && w.TryWriteUInt64(record.SwapFreeKb);
        return Finish(in w, ok, out bytesWritten);
    }

    public static bool TryEncode(in NetDevice record, Span<byte> destination, out int bytesWritten)
    {
        var w = new MsgPackWriter(destination);
        bool ok = Begin(ref w, NetDevice.ElementCount, RecordKind.NetDevice, record.TimestampNs)
            && w.TryWriteString(record.Interface ?? string.Empty)
            && w.TryWriteUInt64(record.RxBytes)
            && w.TryWriteUInt64(record.RxPackets)
            && w.TryWriteUInt64(record.RxErrors)
            && w.TryWriteUInt64(record.RxDropped)
            && w.TryWriteUInt64(record.TxBytes)
            && w.TryWriteUInt64(record.TxPackets)
            && w.TryWriteUInt64(record.TxErrors)
            && w.TryWriteUInt64(record.TxDropped);
        return Finish(in w, ok, out bytesWritten);
    }

    /// <summary>
    /// The largest ProcessSample: two 1-byte headers, four 9-byte uint64s, two 5-byte int32s and a 2-byte enum.
    /// </summary>
    internal const int ProcessSampleMaxSizeInBytes = 2 + (4 * 9) + (2 * 5) + 2;

    /// <summary>
    /// The hot-path record. When the largest possible encoding fits (any 64-byte buffer), fields are written
    /// with a local position and no per-field capacity check; only a short destination takes the checked path.
    /// </summary>
    public static bool TryEncode(in ProcessSample record, Span<byte> destination, out int bytesWritten)
    {
        if (destination.Length < ProcessSampleMaxSizeInBytes)
        {
            return TryEncodeChecked(in record, destination, out bytesWritten);
        }
        destination[1] = (byte)RecordKind.ProcessSample;
        destination[0] = MsgPackCode.MinFixArray | ProcessSample.ElementCount;
        int position = 2;
        position += MsgPackPrimitives.WriteUInt64Unchecked(destination.Slice(position), record.TimestampNs);
        position += MsgPackPrimitives.WriteInt64Unchecked(destination.Slice(position), record.Pid);
        position += MsgPackPrimitives.WriteUInt64Unchecked(destination.Slice(position), record.StartTicks);
        position += MsgPackPrimitives.WriteUInt64Unchecked(destination.Slice(position), record.CpuTimeNs);
        position += MsgPackPrimitives.WriteUInt64Unchecked(destination.Slice(position), (ulong)record.CpuSource);
        position += MsgPackPrimitives.WriteUInt64Unchecked(destination.Slice(position), record.RssKb);
        position += MsgPackPrimitives.WriteInt64Unchecked(destination.Slice(position), record.Threads);
        bytesWritten = position;
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryEncodeChecked(in ProcessSample record, Span<byte> destination, out int bytesWritten)
    {
        var w = new MsgPackWriter(destination);
        bool ok = Begin(ref w, ProcessSample.ElementCount, RecordKind.ProcessSample, record.TimestampNs)
            && w.TryWriteInt64(record.Pid)
            && w.TryWriteUInt64(record.StartTicks)
            && w.TryWriteUInt64(record.CpuTimeNs)
            && w.TryWriteUInt64((ulong)record.CpuSource)
            && w.TryWriteUInt64(record.RssKb)
            && w.TryWriteInt64(record.Threads);
        return Finish(in w, ok, out bytesWritten);
    }

    public static bool TryEncode(in ProcessStart record, Span<byte> destination, out int bytesWritten)
    {
        var w = new MsgPackWriter(destination);
        bool ok = Begin(ref w, ProcessStart.ElementCount, RecordKind.ProcessStart, record.TimestampNs)
            && w.TryWriteInt64(record.Pid)
            && w.TryWriteUInt64(record.StartTicks)
            && w.TryWriteInt64(record.Ppid)
            && w.TryWriteString(record.Command ?? string.Empty)
            && w.TryWriteString(record.CommandLine);
        return Finish(in w, ok, out bytesWritten);
    }

    public static bool TryEncode(in ProcessExit record, Span<byte> destination, out int bytesWritten)
    {
        var w = new MsgPackWriter(destination);
        bool ok = Begin(ref w, ProcessExit.ElementCount, RecordKind.ProcessExit, record.TimestampNs)
            && w.TryWriteInt64(record.Pid)
            && w.TryWriteUInt64(record.StartTicks)
            && w.TryWriteInt64(record.ExitStatus)
            && w.TryWriteInt64(record.UserTimeUs)
            && w.TryWriteInt64(record.SystemTimeUs)
            && w.TryWriteInt64(record.MaxRssKb);
        return Finish(in w, ok, out bytesWritten);
    }

    public static bool TryEncode(in CgroupSample record, Span<byte> destination, out int bytesWritten)
    {
        var w = new MsgPackWriter(destination);
        bool ok = Begin(ref w, CgroupSample.ElementCount, RecordKind.CgroupSample, record.TimestampNs)
            && w.TryWriteString(record.Path ?? string.Empty)
            && w.TryWriteInt64(record.Version)
            && w.TryWriteUInt64(record.CpuUsageNs)
            && w.TryWriteUInt64(record.MemoryBytes)
            && w.TryWriteInt64(record.MemoryPeakBytes)
            && w.TryWriteInt64(record.MemoryLimitBytes);
        return Finish(in w, ok, out bytesWritten);
    }

    public static bool TryEncode(in NodeInfo record, Span<byte> destination, out int bytesWritten)
    {
        var w = new MsgPackWriter(destination);
        bool ok = Begin(ref w, NodeInfo.ElementCount, RecordKind.NodeInfo, record.TimestampNs)
            && w.TryWriteString(record.Hostname ?? string.Empty)
            && w.TryWriteString(record.CpuModel ?? string.Empty)
            && w.TryWriteInt64(record.CoreCount)
            && w.TryWriteDouble(record.MaxMhz)
            && w.TryWriteUInt64(record.MemTotalKb)
            && w.TryWriteInt64(record.ClockTicksPerSecond)
            && w.TryWriteInt64(record.PageSizeInBytes)
            && w.TryWriteInt64(record.BootTimeRealtimeNs)
            && w.TryWriteString(record.Kernel ?? string.Empty);
        return Finish(in w, ok, out bytesWritten);
    }

    public static bool TryEncode(in Link record, Span<byte> destination, out int bytesWritten)
    {
        var w = new MsgPackWriter(destination);
        bool ok = Begin(ref w, Link.ElementCount, RecordKind.Link, record.TimestampNs)
            && w.TryWriteString(record.Interface ?? string.Empty)
            && w.TryWriteInt64(record.SpeedMbps)
            && w.TryWriteString(record.Peer)
            && w.TryWriteInt64(record.RttNs);
        return Finish(in w, ok, out bytesWritten);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Begin(ref MsgPackWriter w, int elementCount, RecordKind kind, ulong timestampNs) =>
        w.TryWriteArrayHeader(elementCount) && w.TryWriteUInt64((ulong)kind) && w.TryWriteUInt64(timestampNs);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Finish(in MsgPackWriter w, bool ok, out int bytesWritten)
    {
        bytesWritten = ok ? w.Position : 0;
        return ok;
    }
}
