using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Tracekit.Format;

/// <summary>
/// Decodes records (docs/ring-format.md section 4) without throwing. Arrays longer than a kind's version-1
/// elements are accepted and the extra elements skipped; shorter arrays, wrong MessagePack types, enum values
/// the kind does not define, and bytes after the array are damage and fail with the offset of the culprit.
/// </summary>
public static partial class RecordDecoder
{
    /// <summary>
    /// Reads the kind and timestamp. A kind number this version does not know comes back as
    /// <see cref="RecordKind.Unknown"/> with success: it is a later version's record, not damage.
    /// </summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> payload, out RecordKind kind, out ulong timestampNs, out DecodeError error)
    {
        // Fast path for the usual fixarray header; anything else (array16/32, errors) goes through the reader.
        int position = 1;
        if (payload.Length > position
            && payload[0] >= (MsgPackCode.MinFixArray | 2) && payload[0] <= MsgPackCode.MaxFixArray
            && (payload[0] & 0x0f) < payload.Length
            && MsgPackScalars.TryReadUInt64(payload, ref position, out ulong kindNumber) && kindNumber != 0
            && MsgPackScalars.TryReadUInt64(payload, ref position, out timestampNs))
        {
            kind = IsKnown(kindNumber) ? (RecordKind)kindNumber : RecordKind.Unknown;
            error = default;
            return true;
        }
        return TryReadHeaderChecked(payload, out kind, out timestampNs, out error);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryReadHeaderChecked(ReadOnlySpan<byte> payload, out RecordKind kind, out ulong timestampNs, out DecodeError error)
    {
        var r = new MsgPackReader(payload);
        if (!TryReadHeaderCore(ref r, out _, out ulong kindNumber, out _, out timestampNs))
        {
            kind = RecordKind.Unknown;
            error = r.Error;
            return false;
        }
        kind = IsKnown(kindNumber) ? (RecordKind)kindNumber : RecordKind.Unknown;
        error = default;
        return true;
    }

    /// <summary>True for the kind numbers of format version 1.</summary>
    public static bool IsKnown(ulong kindNumber) => kindNumber >= (ulong)RecordKind.HostCpu && kindNumber <= (ulong)RecordKind.SelfReport;

    /// <summary>
    /// Decodes any record into its boxed struct (for the converter; this allocates). A well-formed record of a
    /// kind this version does not know is returned as an <see cref="UnknownRecord"/>.
    /// </summary>
    public static bool TryDecodeAny(ReadOnlySpan<byte> payload, [NotNullWhen(true)] out object? record, out DecodeError error)
    {
        if (!TryReadHeader(payload, out RecordKind kind, out _, out error))
        {
            record = null;
            return false;
        }
        return kind switch
        {
            RecordKind.HostCpu => Box(TryDecode(payload, out HostCpu hostCpu, out error), hostCpu, out record),
            RecordKind.HostMemory => Box(TryDecode(payload, out HostMemory hostMemory, out error), hostMemory, out record),
            RecordKind.NetDevice => Box(TryDecode(payload, out NetDevice netDevice, out error), netDevice, out record),
            RecordKind.ProcessSample => Box(TryDecode(payload, out ProcessSample sample, out error), sample, out record),
            RecordKind.ProcessStart => Box(TryDecode(payload, out ProcessStart start, out error), start, out record),
            RecordKind.ProcessExit => Box(TryDecode(payload, out ProcessExit exit, out error), exit, out record),
            RecordKind.CgroupSample => Box(TryDecode(payload, out CgroupSample cgroup, out error), cgroup, out record),
            RecordKind.InvocationStart => Box(TryDecode(payload, out InvocationStart invocationStart, out error), invocationStart, out record),
            RecordKind.InvocationEnd => Box(TryDecode(payload, out InvocationEnd invocationEnd, out error), invocationEnd, out record),
            RecordKind.DotnetMetric => Box(TryDecode(payload, out DotnetMetric metric, out error), metric, out record),
            RecordKind.DotnetEvent => Box(TryDecode(payload, out DotnetEvent dotnetEvent, out error), dotnetEvent, out record),
            RecordKind.NodeInfo => Box(TryDecode(payload, out NodeInfo nodeInfo, out error), nodeInfo, out record),
            RecordKind.Link => Box(TryDecode(payload, out Link link, out error), link, out record),
            RecordKind.Placement => Box(TryDecode(payload, out Placement placement, out error), placement, out record),
            RecordKind.ClockAnchor => Box(TryDecode(payload, out ClockAnchor anchor, out error), anchor, out record),
            RecordKind.SelfReport => Box(TryDecode(payload, out SelfReport report, out error), report, out record),
            _ => Box(TryDecodeUnknown(payload, out UnknownRecord unknown, out error), unknown, out record),
        };
    }

    /// <summary>Checks that a record of an unknown kind is well-formed MessagePack and reads its header.</summary>
    public static bool TryDecodeUnknown(ReadOnlySpan<byte> payload, out UnknownRecord record, out DecodeError error)
    {
        var r = new MsgPackReader(payload);
        record = default;
        bool ok = TryReadHeaderCore(ref r, out int count, out record.Kind, out _, out record.TimestampNs)
            && TryEnd(ref r, count - 2);
        return Finish(in r, ok, ref record, out error);
    }

    private static bool TryReadHeaderCore(ref MsgPackReader r, out int count, out ulong kindNumber, out int kindOffset, out ulong timestampNs)
    {
        kindNumber = 0;
        timestampNs = 0;
        kindOffset = 0;
        if (!r.TryReadArrayHeader(out count))
        {
            return false;
        }
        if (count < 2)
        {
            return r.Fail(0, DecodeMessages.ArrayTooShort);
        }
        kindOffset = r.Position;
        if (!r.TryReadUInt64(out kindNumber))
        {
            return r.Error.Message == DecodeMessages.IntegerOutOfRange ? r.Fail(kindOffset, DecodeMessages.KindNotPositive) : false;
        }
        if (kindNumber == 0)
        {
            return r.Fail(kindOffset, DecodeMessages.KindNotPositive);
        }
        return r.TryReadUInt64(out timestampNs);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryBegin(ref MsgPackReader r, RecordKind expected, int elementCount, out ulong timestampNs, out int extraElements)
    {
        extraElements = 0;
        if (!TryReadHeaderCore(ref r, out int count, out ulong kindNumber, out int kindOffset, out timestampNs))
        {
            return false;
        }
        if (kindNumber != (ulong)expected)
        {
            return r.Fail(kindOffset, DecodeMessages.KindMismatch);
        }
        if (count < elementCount)
        {
            return r.Fail(0, DecodeMessages.ArrayTooShort);
        }
        extraElements = count - elementCount;
        return true;
    }

    /// <summary>Skips the elements a later minor version appended, then requires the payload to end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryEnd(ref MsgPackReader r, int extraElements)
    {
        for (int i = 0; i < extraElements; i++)
        {
            if (!r.TrySkip())
            {
                return false;
            }
        }
        return r.End || r.Fail(r.Position, DecodeMessages.TrailingBytes);
    }

    // The decoders accept enum values up to these members; a new member must be appended and named here.
    private const CpuSource LastCpuSource = CpuSource.ProcessClock;
    private const DotnetEventType LastDotnetEventType = DotnetEventType.RequestStop;

    private static bool TryReadCpuSource(ref MsgPackReader r, out CpuSource value)
    {
        int start = r.Position;
        bool ok = r.TryReadByte(out byte raw);
        value = (CpuSource)raw;
        return ok && (raw <= (byte)LastCpuSource || r.Fail(start, DecodeMessages.UndefinedEnumValue));
    }

    private static bool TryReadEventType(ref MsgPackReader r, out DotnetEventType value)
    {
        int start = r.Position;
        bool ok = r.TryReadByte(out byte raw);
        value = (DotnetEventType)raw;
        bool defined = raw >= (byte)DotnetEventType.GcStart && raw <= (byte)LastDotnetEventType;
        return ok && (defined || r.Fail(start, DecodeMessages.UndefinedEnumValue));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Finish<T>(in MsgPackReader r, bool ok, ref T record, out DecodeError error)
        where T : struct
    {
        if (ok)
        {
            error = default;
            return true;
        }
        // A half-filled record must not leak out as if it meant something.
        record = default;
        error = r.Error;
        return false;
    }

    private static bool Box<T>(bool ok, T value, [NotNullWhen(true)] out object? record)
        where T : struct
    {
        record = ok ? value : null;
        return ok;
    }
}
