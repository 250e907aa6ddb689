namespace Tracekit.Format;

// Invocation, .NET runtime and collector records.
public static partial class RecordEncoder
{
    public static bool TryEncode(in InvocationStart record, Span<byte> destination, out int bytesWritten)
    {
        var w = new MsgPackWriter(destination);
        bool ok = Begin(ref w, InvocationStart.ElementCount, RecordKind.InvocationStart, record.TimestampNs)
            && w.TryWriteString(record.TraceId ?? string.Empty)
            && w.TryWriteString(record.SpanId ?? string.Empty)
            && w.TryWriteString(record.ParentId)
            && w.TryWriteString(record.ModuleId)
            && w.TryWriteString(record.InstanceId)
            && w.TryWriteInt64(record.EnqueueNs)
            && w.TryWriteString(record.Method)
            && w.TryWriteString(record.Path)
            && w.TryWriteInt64(record.Pid)
            && w.TryWriteInt64(record.PidStartTicks)
            && w.TryWriteString(record.Input)
            && w.TryWriteString(record.Output)
            && w.TryWriteString(record.Cpuset)
            && w.TryWriteString(record.Cgroup)
            && w.TryWriteDouble(record.SampleRatio);
        return Finish(in w, ok, out bytesWritten);
    }

    public static bool TryEncode(in InvocationEnd record, Span<byte> destination, out int bytesWritten)
    {
        var w = new MsgPackWriter(destination);
        bool ok = Begin(ref w, InvocationEnd.ElementCount, RecordKind.InvocationEnd, record.TimestampNs)
            && w.TryWriteString(record.TraceId ?? string.Empty)
            && w.TryWriteString(record.SpanId ?? string.Empty)
            && w.TryWriteInt64(record.Status)
            && w.TryWriteInt64(record.BytesIn)
            && w.TryWriteInt64(record.BytesOut)
            && w.TryWriteInt64(record.CpuTimeNs)
            && w.TryWriteInt64(record.PeakRssKb);
        return Finish(in w, ok, out bytesWritten);
    }

    public static bool TryEncode(in DotnetMetric record, Span<byte> destination, out int bytesWritten)
    {
        var w = new MsgPackWriter(destination);
        bool ok = Begin(ref w, DotnetMetric.ElementCount, RecordKind.DotnetMetric, record.TimestampNs)
            && w.TryWriteInt64(record.Pid)
            && w.TryWriteString(record.Meter ?? string.Empty)
            && w.TryWriteString(record.Instrument ?? string.Empty)
            && w.TryWriteDouble(record.Value)
            && w.TryWriteString(record.Unit);
        return Finish(in w, ok, out bytesWritten);
    }

    public static bool TryEncode(in DotnetEvent record, Span<byte> destination, out int bytesWritten)
    {
        var w = new MsgPackWriter(destination);
        bool ok = Begin(ref w, DotnetEvent.ElementCount, RecordKind.DotnetEvent, record.TimestampNs)
            && w.TryWriteInt64(record.Pid)
            && w.TryWriteUInt64((ulong)record.EventType)
            && w.TryWriteUInt64(record.Sequence)
            && w.TryWriteInt64(record.DurationNs)
            && w.TryWriteString(record.Detail);
        return Finish(in w, ok, out bytesWritten);
    }

    public static bool TryEncode(in Placement record, Span<byte> destination, out int bytesWritten)
    {
        var w = new MsgPackWriter(destination);
        bool withUnits = record.CpuUnits.HasValue;
        bool ok = Begin(ref w, withUnits ? Placement.ElementCountWithCpuUnits : Placement.ElementCount, RecordKind.Placement, record.TimestampNs)
            && w.TryWriteString(record.AppId ?? string.Empty)
            && w.TryWriteString(record.ModuleId ?? string.Empty)
            && w.TryWriteString(record.InstanceId ?? string.Empty)
            && w.TryWriteString(record.NodeId ?? string.Empty)
            && w.TryWriteString(record.Event ?? string.Empty)
            && w.TryWriteString(record.Stage ?? string.Empty)
            && (!withUnits || w.TryWriteInt64(record.CpuUnits.GetValueOrDefault()));
        return Finish(in w, ok, out bytesWritten);
    }

    public static bool TryEncode(in ClockAnchor record, Span<byte> destination, out int bytesWritten)
    {
        var w = new MsgPackWriter(destination);
        bool ok = Begin(ref w, ClockAnchor.ElementCount, RecordKind.ClockAnchor, record.TimestampNs)
            && w.TryWriteInt64(record.RealtimeNs)
            && w.TryWriteInt64(record.ClockSyncState)
            && w.TryWriteInt64(record.ClockStatus)
            && w.TryWriteInt64(record.ClockOffsetNs)
            && w.TryWriteInt64(record.ClockMaxErrorNs)
            && w.TryWriteInt64(record.ClockEstErrorNs);
        return Finish(in w, ok, out bytesWritten);
    }

    public static bool TryEncode(in SelfReport record, Span<byte> destination, out int bytesWritten)
    {
        var w = new MsgPackWriter(destination);
        bool ok = Begin(ref w, SelfReport.ElementCount, RecordKind.SelfReport, record.TimestampNs)
            && w.TryWriteUInt64(record.Ticks)
            && w.TryWriteUInt64(record.MissedTicks)
            && w.TryWriteUInt64(record.LateTicks)
            && w.TryWriteUInt64(record.MaxLatenessNs)
            && w.TryWriteUInt64(record.RecordsWritten)
            && w.TryWriteUInt64(record.RecordsDropped)
            && w.TryWriteUInt64(record.RecordsOverwritten)
            && w.TryWriteUInt64(record.CpuUserNs)
            && w.TryWriteUInt64(record.CpuSystemNs)
            && w.TryWriteUInt64(record.RssKb);
        return Finish(in w, ok, out bytesWritten);
    }
}
