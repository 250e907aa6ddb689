using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;
using Tracekit.Dotnet.Parsing;
using Tracekit.Format;

namespace Tracekit.Dotnet;

internal sealed partial class ProcessSession
{
    /// <summary>The meter and instruments the tracer's own health is written under (dotnet_metrics rows).</summary>
    public const string SelfMeter = "tracekit";
    public const string EventsLostInstrument = "eventpipe.events_lost";
    public const string EventsReadInstrument = "eventpipe.events";

    /// <summary>
    /// Turns one session's events into records. Runs on the session's event thread only, so its state needs no
    /// synchronisation; the totals the discovery thread reads are published with Volatile/Interlocked.
    /// </summary>
    private sealed class EventReader
    {
        private readonly ProcessSession _owner;
        private readonly EventPipeEventSource _source;
        private readonly GcTracker _gc = new();
        private readonly long _lostBefore;
        private readonly long _selfReportEveryNs;
        private long _nextSelfReportNs;
        private long _realtimeMinusMonotonicNs = RealtimeMinusMonotonicNs();
        private const long UnixEpochTicks = 621_355_968_000_000_000;

        public EventReader(ProcessSession owner, EventPipeEventSource source)
        {
            _owner = owner;
            _source = source;
            _lostBefore = owner.EventsLost;
            _selfReportEveryNs = owner._options.MetricsIntervalSeconds * 1_000_000_000L;
        }

        public void Subscribe()
        {
            if (_owner._options.GcEvents)
            {
                var clr = _source.Clr;
                clr.GCSuspendEEStart += d => _gc.OnSuspendBegin(Ns(d));
                clr.GCStart += OnGcStart;
                clr.GCStop += d => { _gc.OnEnd(Ns(d), (uint)d.Count, _owner.Pid, _owner._sink); Count(ref _owner._gcEvents); };
                clr.GCRestartEEStop += d => _gc.OnRestartEnd(Ns(d), _owner.Pid, _owner._sink);
            }
            _source.Dynamic.All += OnDynamic;
        }

        /// <summary>After the stream ended: the final lost count goes into the ring too.</summary>
        public void Finish()
        {
            PublishLost();
            WriteSelfMetrics(Monotonic.NowNs());
        }

        /// <summary>
        /// EventPipe stamps events with the runtime's QueryPerformanceCounter, which on Linux is
        /// clock_gettime(CLOCK_MONOTONIC) in ns (frequency 1e9): the clock of every Tracekit record, so the raw stamp
        /// is used as is (TimestampsTests checks it against the test's own monotonic clock).
        /// </summary>
#pragma warning disable CS0618 // "discouraged", not obsolete: the relative-ms alternative loses the shared monotonic base.
        private static long Ns(TraceEvent e) => e.TimeStampQPC;
#pragma warning restore CS0618

        private void OnGcStart(GCStartTraceData d)
        {
            _gc.OnStart(Ns(d), (uint)d.Count, d.Depth, d.Reason.ToString(), d.Type.ToString(), _owner.Pid, _owner._sink);
            Count(ref _owner._gcEvents);
        }

        private void OnDynamic(TraceEvent e)
        {
            // Interlocked: the discovery thread reads the total for status lines.
            Interlocked.Increment(ref _owner._eventsRead);
            try
            {
                Dispatch(e);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A payload TraceEvent cannot decode must cost one event, never the session or the collector.
                if (Interlocked.Increment(ref _owner._undecodable) == 1)
                    _owner._log(new TracerMessage(TracerMessageLevel.Warning, _owner.Pid, $"an event could not be decoded ({e.ProviderName}/{e.EventName}: {ex.GetType().Name}); such events are skipped"));
            }
        }

        private void Dispatch(TraceEvent e)
        {
            long ns = Ns(e);
            switch (e.ProviderName)
            {
                case Providers.DiagnosticSource:
                    if (e.EventName is "Activity/Stop" or "ActivityStop") OnRequest(e.PayloadByName("ActivityName") as string, e, ns);
                    else if (e.EventName == "Event") OnRequest(e.PayloadByName("EventName") as string, e, ns);
                    break;
                case Providers.Metrics:
                    OnMetricsEvent(e, ns);
                    break;
                default:
                    // EventCounters of the System.Runtime source (the only counter source enabled).
                    if (e.EventName == "EventCounters") OnEventCounter(e, ns);
                    break;
            }
            if (ns >= _nextSelfReportNs)
            {
                _realtimeMinusMonotonicNs = RealtimeMinusMonotonicNs();
                PublishLost();
                WriteSelfMetrics(ns);
                _nextSelfReportNs = ns + _selfReportEveryNs;
            }
        }

        private void OnRequest(string? name, TraceEvent e, long endNs)
        {
            if (!ActivityStop.TryParse(name, e.PayloadByName("Arguments"), out var stop, out _))
                return;
            var pid = _owner.Pid;
            endNs = stop.EndNs(endNs);
            // A server span knows its start on the wall clock only (Activity.StartTimeUtc): it is moved onto the
            // monotonic clock with this host's current offset between the two.
            long startNs = stop.Kind == SpanKind.Server
                ? ((stop.StartUtcTicks - UnixEpochTicks) * 100) - _realtimeMinusMonotonicNs
                : endNs - stop.DurationNs;
            _owner._sink.Write(new InvocationStart
            {
                TimestampNs = (ulong)Math.Clamp(startNs, 0, endNs),
                TraceId = stop.TraceId,
                SpanId = stop.SpanId,
                ParentId = stop.ParentId,
                ModuleId = _owner.Module,
                Method = stop.Method,
                Path = stop.Path,
                Pid = pid,
                PidStartTicks = (long?)_owner.PidStartTicks,
            });
            _owner._sink.Write(new InvocationEnd
            {
                TimestampNs = (ulong)endNs,
                TraceId = stop.TraceId,
                SpanId = stop.SpanId,
                Status = stop.Status,
            });
            Count(ref _owner._invocations);
        }

        private void OnMetricsEvent(TraceEvent e, long ns)
        {
            switch (e.EventName)
            {
                case "BeginInstrumentReporting":
                    // Evidence that the runtime has the meter. Its absence is judged by time (CheckMeterProbe), not
                    // by InitialInstrumentEnumerationComplete: a client joining a running SHARED session may see
                    // the completion before any instrument is announced to it.
                    if (e.PayloadByName("meterName") as string == Providers.RuntimeMeter) _owner._sawMeterEnumeration = true;
                    return;
                case "MultipleSessionsNotSupportedError":
                    if (!_owner._usingEventCounters)
                        _owner.SwitchToEventCounters("another tool holds the metrics session exclusively");
                    return;
                case "MultipleSessionsConfiguredIncorrectlyError":
                    _owner._log(new TracerMessage(TracerMessageLevel.Warning, _owner.Pid,
                        "another tool shares the metrics session with other settings (interval, MaxTimeSeries or MaxHistograms); " +
                        $"its values win: {Describe(e)}"));
                    return;
                case "Error":
                case "ObservableInstrumentCallbackError":
                    _owner._log(new TracerMessage(TracerMessageLevel.Warning, _owner.Pid, $"metrics provider: {e.PayloadByName("errorMessage")}"));
                    return;
            }
            // A shared session also carries the meters other clients asked for: keep the runtime's only.
            if (e.PayloadByName("meterName") as string != Providers.RuntimeMeter) return;
            _owner._sawMeterEnumeration = true;
            if (!MetricPayload.TryRead(e.EventName, e.PayloadByName("instrumentName") as string, e.PayloadByName("tags") as string,
                    e.PayloadByName("rate") as string, e.PayloadByName("value") as string, e.PayloadByName("lastValue") as string,
                    out var series, out double value))
                return;
            var unit = e.PayloadByName("unit") as string;
            WriteMetric(ns, Providers.RuntimeMeter, series, value, string.IsNullOrEmpty(unit) ? null : unit);
        }

        private void OnEventCounter(TraceEvent e, long ns)
        {
            // TraceEvent lists no payload names for this event and nests the fields: PayloadValue(0) is
            // {"Payload": {Name, Mean, …}}.
            var payload = (e.PayloadNames.Length > 0 ? e.PayloadByName("Payload") : null) as IDictionary<string, object>;
            if (payload is not null && payload.TryGetValue("Payload", out var inner) && inner is IDictionary<string, object> fields) payload = fields;
            if (MetricPayload.TryReadEventCounter(payload, out var name, out double value, out var unit))
                WriteMetric(ns, "EventCounters/" + Providers.EventCounters, name, value, unit);
        }

        private void WriteMetric(long ns, string meter, string instrument, double value, string? unit)
        {
            _owner._sink.Write(new DotnetMetric
            {
                TimestampNs = (ulong)ns,
                Pid = _owner.Pid,
                Meter = meter,
                Instrument = instrument,
                Value = value,
                Unit = unit,
            });
            Count(ref _owner._metricValues);
        }

        private static long RealtimeMinusMonotonicNs() =>
            Native.Libc.ClockGetTimeNs(Native.ClockId.Realtime) - Native.Libc.ClockGetTimeNs(Native.ClockId.Monotonic);

        private void PublishLost() =>
            // Volatile: the discovery thread reads the latest total for status lines and the final report.
            Volatile.Write(ref _owner._eventsLost, _lostBefore + _source.EventsLost);

        private void WriteSelfMetrics(long ns)
        {
            WriteMetric(ns, SelfMeter, EventsReadInstrument, _owner.EventsRead, "{event}");
            WriteMetric(ns, SelfMeter, EventsLostInstrument, _owner.EventsLost, "{event}");
        }

        private static void Count(ref long counter) =>
            // Interlocked: the discovery thread reads the total while this thread adds.
            Interlocked.Increment(ref counter);

        private static string Describe(TraceEvent e)
        {
            var parts = new List<string>();
            for (int i = 0; i < e.PayloadNames.Length; i++) parts.Add($"{e.PayloadNames[i]}={e.PayloadValue(i)}");
            return string.Join(", ", parts);
        }
    }
}
