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
        var row = files.PlacementEvents.Row();
        row.Number(CctfNames.Ts, record.EpochMs);
        row.String(CctfNames.AppId, placement.AppId);
        row.String(CctfNames.ModuleId, placement.ModuleId);
        row.String(CctfNames.InstanceId, placement.InstanceId);
        row.String(CctfNames.NodeId, placement.NodeId);
        row.String(CctfNames.Event, placement.Event);
        row.String(CctfNames.Stage, placement.Stage);
        row.Number(CctfNames.CpuUnits, (long?)placement.CpuUnits);
        row.End();
    }

    /// <summary>
    /// Processes whose start (exit) row was written. A process may be sampled by two streams of its node (the
    /// collector and `tracekit run`, which both follow a job's tree): it still starts and exits once.
    /// </summary>
    private readonly HashSet<(int Pid, ulong StartTicks)> _started = new();
    private readonly HashSet<(int Pid, ulong StartTicks)> _exited = new();

    public void OnProcessStart(StreamCursor record, in ProcessStart start)
    {
        if (!_started.Add((start.Pid, start.StartTicks))) return;
        var row = Rows.BeginTimed(files.ProcessEvents, record);
        row.String(CctfNames.Event, CctfNames.Start);
        row.Number(CctfNames.Pid, start.Pid);
        row.Number(CctfNames.StartTicks, start.StartTicks);
        row.Number(CctfNames.Ppid, start.Ppid);
        row.String(CctfNames.Command, start.Command);
        row.String(CctfNames.CommandLine, start.CommandLine);
        row.End();
    }

    public void OnProcessExit(StreamCursor record, in ProcessExit exit)
    {
        if (!_exited.Add((exit.Pid, exit.StartTicks))) return;
        var row = Rows.BeginTimed(files.ProcessEvents, record);
        row.String(CctfNames.Event, CctfNames.Exit);
        row.Number(CctfNames.Pid, exit.Pid);
        row.Number(CctfNames.StartTicks, exit.StartTicks);
        row.Number(CctfNames.ExitStatus, exit.ExitStatus);
        row.Number(CctfNames.Signal, SignalOf(exit.ExitStatus));
        row.MsFromNs(CctfNames.UserTimeMs, exit.UserTimeUs * 1000);
        row.MsFromNs(CctfNames.SystemTimeMs, exit.SystemTimeUs * 1000);
        row.Number(CctfNames.MaxRssKb, exit.MaxRssKb);
        row.End();
    }

    public void OnDotnetMetric(StreamCursor record, in DotnetMetric metric)
    {
        var row = Rows.BeginTimed(files.DotnetMetrics, record);
        row.Number(CctfNames.Pid, metric.Pid);
        row.String(CctfNames.Meter, metric.Meter);
        row.String(CctfNames.Instrument, metric.Instrument);
        row.Number(CctfNames.Value, metric.Value);
        row.String(CctfNames.Unit, metric.Unit);
        row.End();
    }

    public void OnDotnetEvent(StreamCursor record, in DotnetEvent dotnetEvent)
    {
        var row = Rows.BeginTimed(files.DotnetEvents, record);
        row.Number(CctfNames.Pid, dotnetEvent.Pid);
        row.String(CctfNames.Event, DotnetEventNames[(int)dotnetEvent.EventType]);
        row.Number(CctfNames.Sequence, dotnetEvent.Sequence);
        row.MsFromNs(CctfNames.DurationMs, dotnetEvent.DurationNs);
        row.String(CctfNames.Detail, dotnetEvent.Detail);
        row.End();
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
