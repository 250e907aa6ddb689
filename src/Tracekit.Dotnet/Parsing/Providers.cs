using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;

namespace Tracekit.Dotnet.Parsing;

/// <summary>
/// The EventPipe providers a session enables, chosen for the least cost in the target (docs/dotnet-tracing.md):
/// the runtime's GC keyword at informational level, the System.Runtime meter aggregated in process, and one
/// Activity stop event per request from the DiagnosticSource bridge (no start event: the stop carries the
/// duration, so a request costs one event instead of two).
/// </summary>
internal static class Providers
{
    public const string Runtime = "Microsoft-Windows-DotNETRuntime";
    public const string Metrics = "System.Diagnostics.Metrics";
    public const string DiagnosticSource = "Microsoft-Diagnostics-DiagnosticSource";
    public const string EventCounters = "System.Runtime";
    public const string RuntimeMeter = "System.Runtime";

    /// <summary>The runtime provider's GC keyword.</summary>
    private const long GcKeyword = 0x1;
    /// <summary>MetricsEventSource.Keywords.TimeSeriesValues.</summary>
    private const long TimeSeriesValuesKeyword = 0x2;
    /// <summary>DiagnosticSourceEventSource.Keywords.Events.</summary>
    private const long DiagnosticSourceEventsKeyword = 0x2;

    /// <summary>
    /// Activity stop events of the ASP.NET Core server span and the HttpClient client span. '-' drops the implicit
    /// payload (every public property: expensive); only the fields below are formatted by the target.
    /// </summary>
    public const string ActivitySpecs =
        "[AS]Microsoft.AspNetCore/Stop:-TraceId;SpanId;ParentSpanId;DurationTicks=Duration.Ticks;Tags=TagObjects.*Enumerate\n" +
        "[AS]System.Net.Http/Stop:-TraceId;SpanId;ParentSpanId;DurationTicks=Duration.Ticks;Tags=TagObjects.*Enumerate";

    public static EventPipeSessionConfiguration Build(DotnetTracerOptions options, string clientId, bool eventCounters)
    {
        var providers = new List<EventPipeProvider>();
        if (options.GcEvents)
            providers.Add(new EventPipeProvider(Runtime, EventLevel.Informational, GcKeyword));
        if (options.Metrics && eventCounters)
        {
            providers.Add(new EventPipeProvider(EventCounters, EventLevel.Informational, 0, new Dictionary<string, string>
            {
                ["EventCounterIntervalSec"] = options.MetricsIntervalSeconds.ToString(CultureInfo.InvariantCulture),
            }));
        }
        else if (options.Metrics)
        {
            providers.Add(new EventPipeProvider(Metrics, EventLevel.Informational, TimeSeriesValuesKeyword, new Dictionary<string, string>
            {
                // SHARED lets dotnet-counters (and other tools) aggregate in the same in-process session; ClientId
                // tells this client's requests apart in it. Every shared client must agree on the three limits.
                ["SessionId"] = "SHARED",
                ["ClientId"] = clientId,
                ["Metrics"] = RuntimeMeter,
                ["RefreshInterval"] = options.MetricsIntervalSeconds.ToString(CultureInfo.InvariantCulture),
                ["MaxTimeSeries"] = options.MaxTimeSeries.ToString(CultureInfo.InvariantCulture),
                ["MaxHistograms"] = options.MaxHistograms.ToString(CultureInfo.InvariantCulture),
            }));
        }
        if (options.Requests)
        {
            providers.Add(new EventPipeProvider(DiagnosticSource, EventLevel.Informational, DiagnosticSourceEventsKeyword,
                new Dictionary<string, string> { ["FilterAndPayloadSpecs"] = ActivitySpecs }));
        }
        // No rundown (method and module enumeration at stop) and no stacks: neither is needed, both cost the target.
        return new EventPipeSessionConfiguration(providers, options.BufferSizeInMb, requestRundown: false, requestStackwalk: false);
    }
}
