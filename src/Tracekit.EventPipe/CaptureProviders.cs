using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;

namespace Tracekit.EventPipe;

/// <summary>
/// The EventPipe providers a session enables, chosen for the least cost in the target (docs/dotnet-tracing.md):
/// the runtime's GC keyword at informational level, the System.Runtime meter aggregated in process, and one
/// DiagnosticSource event per request (no start event: the end event carries the start time, so a request costs
/// one event instead of two). The decoder (Tracekit.Dotnet) reads the same names.
/// </summary>
public static class CaptureProviders
{
    public const string Runtime = "Microsoft-Windows-DotNETRuntime";
    public const string Metrics = "System.Diagnostics.Metrics";
    public const string DiagnosticSource = "Microsoft-Diagnostics-DiagnosticSource";
    public const string EventCounters = "System.Runtime";
    public const string RuntimeMeter = "System.Runtime";

    /// <summary>The first runtime with the System.Runtime meter; older ones get the EventCounters.</summary>
    public const int FirstRuntimeWithMeter = 9;

    /// <summary>
    /// Whether a target gets the EventCounters instead of the meter. An unknown version (self-contained or AOT, no
    /// libcoreclr.so path to read it from) gets the meter: such a build of an old runtime then records no runtime
    /// metrics, but a new one, the common case, records all of them (docs/dotnet-tracing.md, "Sessions, sharing, failures").
    /// </summary>
    public static bool UseEventCounters(int? runtimeMajorVersion, bool force) => force || runtimeMajorVersion < FirstRuntimeWithMeter;

    /// <summary>The runtime provider's GC keyword.</summary>
    private const long GcKeyword = 0x1;
    /// <summary>MetricsEventSource.Keywords.TimeSeriesValues.</summary>
    private const long TimeSeriesValuesKeyword = 0x2;
    /// <summary>DiagnosticSourceEventSource.Keywords.Events.</summary>
    private const long DiagnosticSourceEventsKeyword = 0x2;

    /// <summary>
    /// One event per request, each with only the fields Tracekit records ('-' drops the implicit payload: every
    /// public property, formatted by the target, which is what makes hosting events expensive).
    /// <list type="bullet">
    /// <item>Server: ASP.NET Core's EndRequest (UnhandledException when the request threw) carries the HttpContext;
    /// the request's Activity is still current then, which gives the W3C ids and the start time. The first line
    /// names the Activity itself: hosting then creates the Activity (IsEnabled is true for its name) but never
    /// writes an event of that name, so it costs the Activity and no event.</item>
    /// <item>Client: HttpClient's Activity stop (System.Net.Http ActivitySource) with its OpenTelemetry tags.</item>
    /// </list>
    /// </summary>
    public const string RequestSpecs =
        "Microsoft.AspNetCore/Microsoft.AspNetCore.Hosting.HttpRequestIn\n" +
        "Microsoft.AspNetCore/Microsoft.AspNetCore.Hosting.EndRequest:-" + ServerFields + "\n" +
        "Microsoft.AspNetCore/Microsoft.AspNetCore.Hosting.UnhandledException:-" + ServerFields + "\n" +
        "[AS]System.Net.Http/Stop:-TraceId;SpanId;ParentSpanId;DurationTicks=Duration.Ticks;Tags=TagObjects.*Enumerate";

    private const string ServerFields =
        "TraceId=*Activity.TraceId;SpanId=*Activity.SpanId;ParentSpanId=*Activity.ParentSpanId;StartTicks=*Activity.StartTimeUtc.Ticks;" +
        "EndTimestamp=timestamp;Method=httpContext.Request.Method;Path=httpContext.Request.Path;Status=httpContext.Response.StatusCode";

    public static EventPipeSessionConfiguration Build(CaptureOptions options, string clientId, bool eventCounters)
    {
        var providers = new List<EventPipeProvider>();
        if (options.GcEvents)
            providers.Add(new EventPipeProvider(Runtime, EventLevel.Informational, GcKeyword));
        if (options.Metrics && eventCounters)
        {
            providers.Add(new EventPipeProvider(EventCounters, EventLevel.Informational, -1, new Dictionary<string, string>
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
                new Dictionary<string, string> { ["FilterAndPayloadSpecs"] = RequestSpecs }));
        }
        // No rundown (method and module enumeration at stop) and no stacks: neither is needed, both cost the target.
        return new EventPipeSessionConfiguration(providers, options.BufferSizeInMb, requestRundown: false, requestStackwalk: false);
    }
}
