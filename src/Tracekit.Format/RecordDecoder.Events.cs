namespace Tracekit.Format;

// Invocation, .NET runtime and collector records.
public static partial class RecordDecoder
{
    public static bool TryDecode(ReadOnlySpan<byte> payload, out InvocationStart record, out DecodeError error)
    {
        var r = new MsgPackReader(payload);
        record = default;
        bool ok = TryBegin(ref r, RecordKind.InvocationStart, InvocationStart.MinElementCount, out record.TimestampNs, out int extra)
            && r.TryReadString(out record.TraceId)
            && r.TryReadString(out record.SpanId)
            && r.TryReadNullableString(out record.ParentId)
            && r.TryReadNullableString(out record.ModuleId)
            && r.TryReadNullableString(out record.InstanceId)
            && r.TryReadNullableInt64(out record.EnqueueNs)
            && r.TryReadNullableString(out record.Method)
            && r.TryReadNullableString(out record.Path)
            && r.TryReadNullableInt32(out record.Pid)
            && r.TryReadNullableInt64(out record.PidStartTicks)
            && r.TryReadNullableString(out record.Input)
            && r.TryReadNullableString(out record.Output)
            && r.TryReadNullableString(out record.Cpuset)
            && r.TryReadNullableString(out record.Cgroup)
            && TryReadSampleRatio(ref r, ref extra, out record.SampleRatio)
            && TryEnd(ref r, extra);
        return Finish(in r, ok, ref record, out error);
    }

    /// <summary>Version 1.1's appended field; absent in a 1.0 record (null). Outside (0, 1] it is damage.</summary>
    private static bool TryReadSampleRatio(ref MsgPackReader r, ref int extra, out double? ratio)
    {
        ratio = null;
        if (extra == 0) return true;
        extra--;
        int at = r.Position;
        if (!r.TryReadNullableDouble(out ratio)) return false;
        return ratio is null or (> 0 and <= 1) || r.Fail(at, DecodeMessages.SampleRatioOutOfRange);
    }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out InvocationEnd record, out DecodeError error)
    {
        var r = new MsgPackReader(payload);
        record = default;
        bool ok = TryBegin(ref r, RecordKind.InvocationEnd, InvocationEnd.ElementCount, out record.TimestampNs, out int extra)
            && r.TryReadString(out record.TraceId)
            && r.TryReadString(out record.SpanId)
            && r.TryReadNullableInt32(out record.Status)
            && r.TryReadNullableInt64(out record.BytesIn)
            && r.TryReadNullableInt64(out record.BytesOut)
            && r.TryReadNullableInt64(out record.CpuTimeNs)
            && r.TryReadNullableInt64(out record.PeakRssKb)
            && TryEnd(ref r, extra);
        return Finish(in r, ok, ref record, out error);
    }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out DotnetMetric record, out DecodeError error)
    {
        var r = new MsgPackReader(payload);
        record = default;
        bool ok = TryBegin(ref r, RecordKind.DotnetMetric, DotnetMetric.ElementCount, out record.TimestampNs, out int extra)
            && r.TryReadInt32(out record.Pid)
            && r.TryReadString(out record.Meter)
            && r.TryReadString(out record.Instrument)
            && r.TryReadDouble(out record.Value)
            && r.TryReadNullableString(out record.Unit)
            && TryEnd(ref r, extra);
        return Finish(in r, ok, ref record, out error);
    }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out DotnetEvent record, out DecodeError error)
    {
        var r = new MsgPackReader(payload);
        record = default;
        bool ok = TryBegin(ref r, RecordKind.DotnetEvent, DotnetEvent.ElementCount, out record.TimestampNs, out int extra)
            && r.TryReadInt32(out record.Pid)
            && TryReadEventType(ref r, out record.EventType)
            && r.TryReadUInt64(out record.Sequence)
            && r.TryReadNullableInt64(out record.DurationNs)
            && r.TryReadNullableString(out record.Detail)
            && TryEnd(ref r, extra);
        return Finish(in r, ok, ref record, out error);
    }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out Placement record, out DecodeError error)
    {
        var r = new MsgPackReader(payload);
        record = default;
        bool ok = TryBegin(ref r, RecordKind.Placement, Placement.ElementCount, out record.TimestampNs, out int extra)
            && r.TryReadString(out record.AppId)
            && r.TryReadString(out record.ModuleId)
            && r.TryReadString(out record.InstanceId)
            && r.TryReadString(out record.NodeId)
            && r.TryReadString(out record.Event)
            && r.TryReadString(out record.Stage)
            && (extra == 0 || (r.TryReadNullableInt32(out record.CpuUnits) && --extra >= 0))
            && TryEnd(ref r, extra);
        return Finish(in r, ok, ref record, out error);
    }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out ClockAnchor record, out DecodeError error)
    {
        var r = new MsgPackReader(payload);
        record = default;
        bool ok = TryBegin(ref r, RecordKind.ClockAnchor, ClockAnchor.ElementCount, out record.TimestampNs, out int extra)
            && r.TryReadInt64(out record.RealtimeNs)
            && r.TryReadInt32(out record.ClockSyncState)
            && r.TryReadInt32(out record.ClockStatus)
            && r.TryReadInt64(out record.ClockOffsetNs)
            && r.TryReadInt64(out record.ClockMaxErrorNs)
            && r.TryReadInt64(out record.ClockEstErrorNs)
            && TryEnd(ref r, extra);
        return Finish(in r, ok, ref record, out error);
    }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out SelfReport record, out DecodeError error)
    {
        var r = new MsgPackReader(payload);
        record = default;
        bool ok = TryBegin(ref r, RecordKind.SelfReport, SelfReport.ElementCount, out record.TimestampNs, out int extra)
            && r.TryReadUInt64(out record.Ticks)
            && r.TryReadUInt64(out record.MissedTicks)
            && r.TryReadUInt64(out record.LateTicks)
            && r.TryReadUInt64(out record.MaxLatenessNs)
            && r.TryReadUInt64(out record.RecordsWritten)
            && r.TryReadUInt64(out record.RecordsDropped)
            && r.TryReadUInt64(out record.RecordsOverwritten)
            && r.TryReadUInt64(out record.CpuUserNs)
            && r.TryReadUInt64(out record.CpuSystemNs)
            && r.TryReadUInt64(out record.RssKb)
            && TryEnd(ref r, extra);
        return Finish(in r, ok, ref record, out error);
    }
}
