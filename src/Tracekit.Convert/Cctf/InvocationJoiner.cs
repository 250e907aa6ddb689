using System.Text.Json;
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
        long? enqueueMs = start.EnqueueNs is long enqueueNs
            ? EpochClock.ToEpochMs(EpochClock.ToEpochNs(unchecked((ulong)enqueueNs), record.Anchor))
            : null;
        var open = new Open(start, record.Stream, record.EpochMs, enqueueMs, start.Pid is int pid ? processes.SamplesOf(pid) : 0);
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
            if (processes.SamplesOf(pid) > open.PidSamplesAtStart)
            {
                audit.Invocations.WithProcessSamples++;
            }
        }

        var json = file.BeginRow();
        json.WriteString(CctfNames.TraceId, start.TraceId);
        json.WriteString(CctfNames.SpanId, start.SpanId);
        json.WriteStringOrNull(CctfNames.ParentId, start.ParentId);
        json.WriteStringOrNull(CctfNames.ModuleId, start.ModuleId);
        json.WriteStringOrNull(CctfNames.InstanceId, start.InstanceId);
        json.WriteNumberOrNull(CctfNames.TsEnqueue, open.EnqueueMs);
        json.WriteNumber(CctfNames.TsStart, open.StartMs);
        json.WriteNumberOrNull(CctfNames.TsEnd, endMs);
        json.WriteString(CctfNames.Node, open.Stream.NodeJson);
        json.WriteString(CctfNames.Stage, open.Stream.StageJson);
        json.WriteStringOrNull(CctfNames.Method, start.Method);
        json.WriteStringOrNull(CctfNames.Path, start.Path);
        json.WriteNumberOrNull(CctfNames.BytesIn, end?.BytesIn);
        json.WriteNumberOrNull(CctfNames.BytesOut, end?.BytesOut);
        json.WriteMsFromNsOrNull(CctfNames.CpuTimeMs, end?.CpuTimeNs);
        json.WriteNumberOrNull(CctfNames.QueueTimeMs, open.StartMs - open.EnqueueMs);
        json.WriteNumberOrNull(CctfNames.ServiceTimeMs, endMs - open.StartMs);
        json.WriteNumberOrNull(CctfNames.RtMs, endMs - (open.EnqueueMs ?? open.StartMs));
        json.WriteNumberOrNull(CctfNames.Status, end?.Status);
        json.WriteNumberOrNull(CctfNames.Pid, start.Pid);
        if (start.Method == BatchMethod)
        {
            json.WriteStringOrNull(CctfNames.Input, start.Input);
            json.WriteStringOrNull(CctfNames.Output, start.Output);
            json.WriteStringOrNull(CctfNames.Cpuset, start.Cpuset);
        }

        WriteAdditions(json, start.PidStartTicks, start.Cgroup, end?.PeakRssKb);
        file.EndRow();
    }

    private void WriteEndOnly(StreamCursor record, in InvocationEnd end)
    {
        var json = file.BeginRow();
        json.WriteString(CctfNames.TraceId, end.TraceId);
        json.WriteString(CctfNames.SpanId, end.SpanId);
        foreach (var name in (ReadOnlySpan<JsonEncodedText>)[CctfNames.ParentId, CctfNames.ModuleId, CctfNames.InstanceId, CctfNames.TsEnqueue, CctfNames.TsStart])
        {
            json.WriteNull(name);
        }

        json.WriteNumber(CctfNames.TsEnd, record.EpochMs);
        json.WriteString(CctfNames.Node, record.Stream.NodeJson);
        json.WriteString(CctfNames.Stage, record.Stream.StageJson);
        json.WriteNull(CctfNames.Method);
        json.WriteNull(CctfNames.Path);
        json.WriteNumberOrNull(CctfNames.BytesIn, end.BytesIn);
        json.WriteNumberOrNull(CctfNames.BytesOut, end.BytesOut);
        json.WriteMsFromNsOrNull(CctfNames.CpuTimeMs, end.CpuTimeNs);
        json.WriteNull(CctfNames.QueueTimeMs);
        json.WriteNull(CctfNames.ServiceTimeMs);
        json.WriteNull(CctfNames.RtMs);
        json.WriteNumberOrNull(CctfNames.Status, end.Status);
        json.WriteNull(CctfNames.Pid);
        WriteAdditions(json, null, null, end.PeakRssKb);
        file.EndRow();
    }

    /// <summary>Documented additions: the process identity, the cgroup and the peak RSS when known.</summary>
    private static void WriteAdditions(Utf8JsonWriter json, long? pidStartTicks, string? cgroup, long? peakRssKb)
    {
        json.WriteNumberOrNull(CctfNames.PidStartTicks, pidStartTicks);
        json.WriteStringOrNull(CctfNames.Cgroup, cgroup);
        json.WriteNumberOrNull(CctfNames.PeakRssKb, peakRssKb);
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
