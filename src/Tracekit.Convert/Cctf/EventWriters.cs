using System.Text.Json;
using Tracekit.Convert.Output;
using Tracekit.Convert.Reading;
using Tracekit.Format;

namespace Tracekit.Convert.Cctf;

/// <summary>
/// The record-per-row files: placement_events.jsonl (cctf-compat.md) and the new process_events.jsonl,
/// dotnet_metrics.jsonl and dotnet_events.jsonl (docs/cctf.md).
/// </summary>
internal sealed class EventWriters(CctfFileSet files)
{
    private static readonly JsonEncodedText[] DotnetEventNames =
    [
        default,
        JsonEncodedText.Encode("gc_start"),
        JsonEncodedText.Encode("gc_stop"),
        JsonEncodedText.Encode("request_start"),
        JsonEncodedText.Encode("request_stop"),
    ];

    /// <summary>cctf-compat.md: <c>ts</c>, not <c>ts_ms</c>, and the record's own node_id and stage.</summary>
    public void OnPlacement(StreamCursor record, in Placement placement)
    {
        var json = files.PlacementEvents.BeginRow();
        json.WriteNumber(CctfNames.Ts, record.EpochMs);
        json.WriteString(CctfNames.AppId, placement.AppId);
        json.WriteString(CctfNames.ModuleId, placement.ModuleId);
        json.WriteString(CctfNames.InstanceId, placement.InstanceId);
        json.WriteString(CctfNames.NodeId, placement.NodeId);
        json.WriteString(CctfNames.Event, placement.Event);
        json.WriteString(CctfNames.Stage, placement.Stage);
        files.PlacementEvents.EndRow();
    }

    public void OnProcessStart(StreamCursor record, in ProcessStart start)
    {
        var json = Rows.BeginTimed(files.ProcessEvents, record);
        json.WriteString(CctfNames.Event, CctfNames.Start);
        json.WriteNumber(CctfNames.Pid, start.Pid);
        json.WriteNumber(CctfNames.StartTicks, start.StartTicks);
        json.WriteNumber(CctfNames.Ppid, start.Ppid);
        json.WriteString(CctfNames.Command, start.Command);
        json.WriteStringOrNull(CctfNames.CommandLine, start.CommandLine);
        files.ProcessEvents.EndRow();
    }

    public void OnProcessExit(StreamCursor record, in ProcessExit exit)
    {
        var json = Rows.BeginTimed(files.ProcessEvents, record);
        json.WriteString(CctfNames.Event, CctfNames.Exit);
        json.WriteNumber(CctfNames.Pid, exit.Pid);
        json.WriteNumber(CctfNames.StartTicks, exit.StartTicks);
        json.WriteNumberOrNull(CctfNames.ExitStatus, exit.ExitStatus);
        json.WriteNumberOrNull(CctfNames.Signal, SignalOf(exit.ExitStatus));
        json.WriteMsFromNsOrNull(CctfNames.UserTimeMs, exit.UserTimeUs * 1000);
        json.WriteMsFromNsOrNull(CctfNames.SystemTimeMs, exit.SystemTimeUs * 1000);
        json.WriteNumberOrNull(CctfNames.MaxRssKb, exit.MaxRssKb);
        files.ProcessEvents.EndRow();
    }

    public void OnDotnetMetric(StreamCursor record, in DotnetMetric metric)
    {
        var json = Rows.BeginTimed(files.DotnetMetrics, record);
        json.WriteNumber(CctfNames.Pid, metric.Pid);
        json.WriteString(CctfNames.Meter, metric.Meter);
        json.WriteString(CctfNames.Instrument, metric.Instrument);
        json.WriteNumberOrNull(CctfNames.Value, metric.Value);
        json.WriteStringOrNull(CctfNames.Unit, metric.Unit);
        files.DotnetMetrics.EndRow();
    }

    public void OnDotnetEvent(StreamCursor record, in DotnetEvent dotnetEvent)
    {
        var json = Rows.BeginTimed(files.DotnetEvents, record);
        json.WriteNumber(CctfNames.Pid, dotnetEvent.Pid);
        json.WriteString(CctfNames.Event, DotnetEventNames[(int)dotnetEvent.EventType]);
        json.WriteNumber(CctfNames.Sequence, dotnetEvent.Sequence);
        json.WriteMsFromNsOrNull(CctfNames.DurationMs, dotnetEvent.DurationNs);
        json.WriteStringOrNull(CctfNames.Detail, dotnetEvent.Detail);
        files.DotnetEvents.EndRow();
    }

    /// <summary>
    /// The signal that killed the process, read from a shell-style exit status (docs/ring-format.md: 128 + N for
    /// signal N). A process that itself exits with 129..192 looks the same; the record cannot tell them apart.
    /// </summary>
    public static int? SignalOf(int? exitStatus) =>
        exitStatus is int status && status > 128 && status <= 128 + MaxSignal ? status - 128 : null;

    /// <summary>SIGRTMAX on Linux.</summary>
    private const int MaxSignal = 64;
}
