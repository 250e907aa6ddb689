using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;
using Tracekit.Dotnet.Parsing;
using Tracekit.Format;

namespace Tracekit.Dotnet;

/// <summary>Turns one capture's events into records. Single-threaded (TraceEvent calls back on the decoding thread).</summary>
internal sealed class EventDecoder(NettraceTarget target, IRecordSink sink)
{
    /// <summary>The meter and instruments the capture's own health is written under (dotnet_metrics rows).</summary>
    public const string SelfMeter = "tracekit";
    public const string EventsLostInstrument = "eventpipe.events_lost";
    public const string EventsReadInstrument = "eventpipe.events";
    private const long SelfReportEveryNs = 1_000_000_000;
    private const long UnixEpochTicks = 621_355_968_000_000_000;

    private readonly GcTracker _gc = new();
    private readonly List<string> _notes = [];
    private readonly LeanRequests _lean = new(target, sink);
    private long _eventsRead, _eventsLost, _undecodable, _invocations, _unsampled, _metricValues, _gcEvents;
    private long _lastNs, _nextSelfReportNs;

    public void Subscribe(EventPipeEventSource source)
    {
        var clr = source.Clr;
        clr.GCSuspendEEStart += d => { Count(d); _gc.OnSuspendBegin(Ns(d)); };
        clr.GCStart += d =>
        {
            Count(d);
            _gc.OnStart(Ns(d), (uint)d.Count, d.Depth, d.Reason.ToString(), d.Type.ToString(), target.Pid, sink);
            _gcEvents++;
        };
        clr.GCStop += d => { Count(d); _gc.OnEnd(Ns(d), (uint)d.Count, target.Pid, sink); _gcEvents++; };
        clr.GCRestartEEStop += d => { Count(d); _gc.OnRestartEnd(Ns(d), target.Pid, sink); };
        source.Dynamic.All += OnDynamic;
        _source = source;
    }

    private EventPipeEventSource? _source;

    /// <summary>After the stream ended (or broke): the final counts go in as the capture's own metrics.</summary>
    public void Finish(EventPipeEventSource? source)
    {
        _eventsLost = (source ?? _source)?.EventsLost ?? _eventsLost;
        if (_lastNs > 0) WriteSelfMetrics(_lastNs);
        if (_lean.Unfinished > 0)
            Note($"{_lean.Unfinished} lean request(s) started but had not ended when the capture ended: not recorded");
    }

    public NettraceDecodeResult Result(long length, long position, string? damage) => new()
    {
        EventsRead = _eventsRead,
        EventsLost = _eventsLost,
        Undecodable = _undecodable,
        Invocations = _invocations + _lean.Invocations,
        Unsampled = _unsampled,
        MetricValues = _metricValues,
        GcEvents = _gcEvents,
        FileLengthInBytes = length,
        BytesReadInBytes = position,
        Damage = damage,
        Notes = _notes,
    };

    /// <summary>
    /// EventPipe stamps events with the runtime's QueryPerformanceCounter, which on Linux is
    /// clock_gettime(CLOCK_MONOTONIC) in ns (frequency 1e9): the clock of every Tracekit record, so the raw stamp
    /// is used as is.
    /// </summary>
#pragma warning disable CS0618 // "discouraged", not obsolete: the relative-ms alternative loses the shared monotonic base.
    private static long Ns(TraceEvent e) => e.TimeStampQPC;
#pragma warning restore CS0618

    private void Count(TraceEvent e)
    {
        _eventsRead++;
        long ns = Ns(e);
        if (ns > _lastNs) _lastNs = ns;
        if (ns < _nextSelfReportNs) return;
        // Cumulative health every second of trace time, like the collector's own self reports.
        if (_source is not null) _eventsLost = _source.EventsLost;
        if (_nextSelfReportNs > 0) WriteSelfMetrics(ns);
        _nextSelfReportNs = ns + SelfReportEveryNs;
    }

    private void OnDynamic(TraceEvent e)
    {
        Count(e);
        try
        {
            Dispatch(e, Ns(e));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A payload TraceEvent cannot decode must cost one event, never the capture.
            if (++_undecodable == 1) _notes.Add($"an event could not be decoded ({e.ProviderName}/{e.EventName}: {ex.GetType().Name}); such events are skipped");
        }
    }

    private void Dispatch(TraceEvent e, long ns)
    {
        switch (e.ProviderName)
        {
            case CaptureProviders.DiagnosticSource:
                if (e.EventName is "Activity/Stop" or "ActivityStop") OnRequest(e.PayloadByName("ActivityName") as string, e, ns);
                else if (e.EventName == "Event") OnRequest(e.PayloadByName("EventName") as string, e, ns);
                break;
            case CaptureProviders.Metrics:
                OnMetricsEvent(e, ns);
                break;
            case CaptureProviders.EventCounters:
                if (e.EventName == "EventCounters") OnEventCounter(e, ns);
                break;
            case CaptureProviders.Hosting:
                if (e.EventName == "Request/Start") _lean.OnStart(e.ActivityID, ns, e.PayloadByName("method") as string, e.PayloadByName("path") as string);
                else if (e.EventName == "Request/Stop") _lean.OnStop(e.ActivityID, ns);
                break;
        }
    }

    private void OnRequest(string? name, TraceEvent e, long eventNs)
    {
        if (!ActivityStop.TryParse(name, e.PayloadByName("Arguments"), out var stop, out _)) return;
        if (stop.Recorded == false)
        {
            _unsampled++;
            return;
        }
        long endNs = stop.EndNs(eventNs);
        long startNs;
        if (stop.Kind == SpanKind.Server)
        {
            // A server span knows its start on the wall clock only (Activity.StartTimeUtc): it is moved onto the
            // monotonic clock with the collector's realtime−monotonic pair in force at that time.
            long offsetNs = target.RealtimeMinusMonotonicNs(endNs) ?? 0;
            startNs = ((stop.StartUtcTicks - UnixEpochTicks) * 100) - offsetNs;
        }
        else
        {
            startNs = endNs - stop.DurationNs;
        }
        sink.Write(new InvocationStart
        {
            TimestampNs = (ulong)Math.Clamp(startNs, 0, endNs),
            TraceId = stop.TraceId,
            SpanId = stop.SpanId,
            ParentId = stop.ParentId,
            ModuleId = target.Module,
            Method = stop.Method,
            Path = stop.Path,
            Pid = target.Pid,
            PidStartTicks = (long?)target.PidStartTicks,
            SampleRatio = target.RequestSampleRatio,
        });
        sink.Write(new InvocationEnd
        {
            TimestampNs = (ulong)endNs,
            TraceId = stop.TraceId,
            SpanId = stop.SpanId,
            Status = stop.Status,
        });
        _invocations++;
    }

    private void OnMetricsEvent(TraceEvent e, long ns)
    {
        switch (e.EventName)
        {
            case "MultipleSessionsNotSupportedError":
                // EventSource events reach every session of the provider: this error may be the other tool's, and the
                // values that still arrive may be those its session asked for (its interval, its instruments).
                Note("the metrics provider reported MultipleSessionsNotSupportedError: another tool's metrics session is not SHARED; runtime values here may come from that session (its interval)");
                return;
            case "MultipleSessionsConfiguredIncorrectlyError":
                Note($"another tool shared the metrics session with other settings (interval, MaxTimeSeries or MaxHistograms); its values won: {Describe(e)}");
                return;
            case "Error":
            case "ObservableInstrumentCallbackError":
                Note($"metrics provider: {e.PayloadByName("errorMessage")}");
                return;
        }
        // A shared session also carries the meters other clients asked for: keep the runtime's only.
        if (e.PayloadByName("meterName") as string != CaptureProviders.RuntimeMeter) return;
        if (!MetricPayload.TryRead(e.EventName, e.PayloadByName("instrumentName") as string, e.PayloadByName("tags") as string,
                e.PayloadByName("rate") as string, e.PayloadByName("value") as string, e.PayloadByName("lastValue") as string,
                out var series, out double value))
            return;
        var unit = e.PayloadByName("unit") as string;
        WriteMetric(ns, CaptureProviders.RuntimeMeter, series, value, string.IsNullOrEmpty(unit) ? null : unit);
    }

    private void OnEventCounter(TraceEvent e, long ns)
    {
        if (MetricPayload.TryReadEventCounter(EventCounterFields.Of(e), out var name, out double value, out var unit))
            WriteMetric(ns, "EventCounters/" + CaptureProviders.EventCounters, name, value, unit);
    }

    private void WriteMetric(long ns, string meter, string instrument, double value, string? unit)
    {
        sink.Write(new DotnetMetric { TimestampNs = (ulong)ns, Pid = target.Pid, Meter = meter, Instrument = instrument, Value = value, Unit = unit });
        _metricValues++;
    }

    private void WriteSelfMetrics(long ns)
    {
        sink.Write(new DotnetMetric { TimestampNs = (ulong)ns, Pid = target.Pid, Meter = SelfMeter, Instrument = EventsReadInstrument, Value = _eventsRead, Unit = "{event}" });
        sink.Write(new DotnetMetric { TimestampNs = (ulong)ns, Pid = target.Pid, Meter = SelfMeter, Instrument = EventsLostInstrument, Value = _eventsLost, Unit = "{event}" });
    }

    private void Note(string text)
    {
        if (_notes.Count < 20 && !_notes.Contains(text)) _notes.Add(text);
    }

    private static string Describe(TraceEvent e)
    {
        var parts = new List<string>();
        for (int i = 0; i < e.PayloadNames.Length; i++) parts.Add($"{e.PayloadNames[i]}={e.PayloadValue(i)}");
        return string.Join(", ", parts);
    }
}
