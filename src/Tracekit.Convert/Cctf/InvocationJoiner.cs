using Tracekit.Convert.Audit;
using Tracekit.Convert.Output;
using Tracekit.Convert.Reading;
using Tracekit.Format;

namespace Tracekit.Convert.Cctf;

/// <summary>
/// invocations.jsonl for one node: joins InvocationStart and InvocationEnd on (trace_id, span_id). A row is
/// written when the end arrives; starts still open when the node's records end (a job running when the collector
/// crashed) are written with ts_end and status null; an end without a start is written with the start's fields
/// null. Memory is the open invocations only. Derived times are differences of the written epoch ms.
/// </summary>
internal sealed class InvocationJoiner(JsonlFile file, NodeAudit audit, ProcessMetricsWriter processes)
{
    /// <summary>Batch jobs (`tracekit run`) use this method; their rows add input, output and cpuset.</summary>
    public const string BatchMethod = "CLI";

    private readonly Dictionary<(string TraceId, string SpanId), Open> _open = [];

    public void OnStart(StreamCursor record, in InvocationStart start)
    {
        audit.Invocations.Starts++;
        double ratio = start.SampleRatio ?? 1.0;
        if (ratio < 1) audit.Invocations.SampledStarts++;
        audit.Invocations.EstimatedStarts += 1 / ratio;
        long? enqueueMs = start.EnqueueNs is long enqueueNs
            ? EpochClock.ToEpochMs(EpochClock.ToEpochNs(unchecked((ulong)enqueueNs), record.Anchor))
            : null;
        var open = new Open(start, record.Stream, record.EpochMs, enqueueMs, start.Pid is int pid ? processes.StartWatch(pid) : 0);
        if (_open.Remove((start.TraceId, start.SpanId), out var earlier))
        {
            // The same ids started twice: keep both, the first as an unfinished row.
            audit.Invocations.DuplicateStarts++;
            Write(earlier, end: null, endMs: null);
        }

        _open[(start.TraceId, start.SpanId)] = open;
    }

    public void OnEnd(StreamCursor record, in InvocationEnd end)
    {
        audit.Invocations.Ends++;
        if (_open.Remove((end.TraceId, end.SpanId), out var open))
        {
            audit.Invocations.Joined++;
            Write(open, end, record.EpochMs);
        }
        else
        {
            audit.Invocations.EndsWithoutStart++;
            WriteEndOnly(record, end);
        }
    }

    /// <summary>Writes the invocations that never ended, oldest first.</summary>
    public void Finish()
    {
        foreach (var open in _open.Values.OrderBy(static o => o.StartMs))
        {
            audit.Invocations.Unfinished++;
            Write(open, end: null, endMs: null);
        }

        _open.Clear();
    }

    private void Write(Open open, InvocationEnd? end, long? endMs)
    {
        ref readonly InvocationStart start = ref open.Start;
        if (start.Pid is int pid)
        {
            audit.Invocations.WithPid++;
            if (processes.EndWatch(pid) > open.PidSamplesAtStart)
            {
                audit.Invocations.WithProcessSamples++;
            }
        }

        var row = file.Row();
        row.String(CctfNames.TraceId, start.TraceId);
        row.String(CctfNames.SpanId, start.SpanId);
        row.String(CctfNames.ParentId, start.ParentId);
        row.String(CctfNames.ModuleId, start.ModuleId);
        row.String(CctfNames.InstanceId, start.InstanceId);
        row.Number(CctfNames.TsEnqueue, open.EnqueueMs);
        row.Number(CctfNames.TsStart, open.StartMs);
        row.Number(CctfNames.TsEnd, endMs);
        row.Raw(open.Stream.NodeAndStage);
        row.String(CctfNames.Method, start.Method);
        row.String(CctfNames.Path, start.Path);
        row.Number(CctfNames.BytesIn, end?.BytesIn);
        row.Number(CctfNames.BytesOut, end?.BytesOut);
        row.MsFromNs(CctfNames.CpuTimeMs, end?.CpuTimeNs);
        row.Number(CctfNames.QueueTimeMs, open.StartMs - open.EnqueueMs);
        row.Number(CctfNames.ServiceTimeMs, endMs - open.StartMs);
        row.Number(CctfNames.RtMs, endMs - (open.EnqueueMs ?? open.StartMs));
        row.Number(CctfNames.Status, end?.Status);
        row.Number(CctfNames.Pid, start.Pid);
        if (start.Method == BatchMethod)
        {
            row.String(CctfNames.Input, start.Input);
            row.String(CctfNames.Output, start.Output);
            row.String(CctfNames.Cpuset, start.Cpuset);
        }

        WriteAdditions(row, start.PidStartTicks, start.Cgroup, end?.PeakRssKb);
        // Only sampling sources write it (docs/cctf.md): rows of every other source keep their shape.
        if (start.SampleRatio is double ratio) row.Number(CctfNames.SampleRatio, ratio);
        row.End();
    }

    private void WriteEndOnly(StreamCursor record, in InvocationEnd end)
    {
        var row = file.Row();
        row.String(CctfNames.TraceId, end.TraceId);
        row.String(CctfNames.SpanId, end.SpanId);
        foreach (var name in (ReadOnlySpan<JsonName>)[CctfNames.ParentId, CctfNames.ModuleId, CctfNames.InstanceId, CctfNames.TsEnqueue, CctfNames.TsStart])
        {
            row.Null(name);
        }

        row.Number(CctfNames.TsEnd, record.EpochMs);
        row.Raw(record.Stream.NodeAndStage);
        row.Null(CctfNames.Method);
        row.Null(CctfNames.Path);
        row.Number(CctfNames.BytesIn, end.BytesIn);
        row.Number(CctfNames.BytesOut, end.BytesOut);
        row.MsFromNs(CctfNames.CpuTimeMs, end.CpuTimeNs);
        row.Null(CctfNames.QueueTimeMs);
        row.Null(CctfNames.ServiceTimeMs);
        row.Null(CctfNames.RtMs);
        row.Number(CctfNames.Status, end.Status);
        row.Null(CctfNames.Pid);
        WriteAdditions(row, null, null, end.PeakRssKb);
        row.End();
    }

    /// <summary>Documented additions: the process identity, the cgroup and the peak RSS when known.</summary>
    private static void WriteAdditions(JsonRow row, long? pidStartTicks, string? cgroup, long? peakRssKb)
    {
        row.Number(CctfNames.PidStartTicks, pidStartTicks);
        row.String(CctfNames.Cgroup, cgroup);
        row.Number(CctfNames.PeakRssKb, peakRssKb);
    }

    private sealed class Open(InvocationStart start, StreamContext stream, long startMs, long? enqueueMs, long pidSamplesAtStart)
    {
        public readonly InvocationStart Start = start;

        public StreamContext Stream { get; } = stream;

        public long StartMs { get; } = startMs;

        public long? EnqueueMs { get; } = enqueueMs;

        public long PidSamplesAtStart { get; } = pidSamplesAtStart;
    }
}
