using System.Globalization;

namespace Tracekit.Contracts;

/// <summary>
/// The EventPipe providers a session enables, chosen for the least cost in the target (docs/dotnet-tracing.md):
/// the runtime's GC keyword at informational level, the System.Runtime meter aggregated in process, and one
/// DiagnosticSource event per request (no start event: the end event carries the start time, so a request costs
/// one event instead of two). The decoder (Tracekit.Dotnet) reads the same names; the session itself is
/// built by Tracekit.EventPipe (CaptureSession).
/// </summary>
public static class CaptureProviders
{
    public const string Runtime = "Microsoft-Windows-DotNETRuntime";
    public const string Metrics = "System.Diagnostics.Metrics";
    public const string DiagnosticSource = "Microsoft-Diagnostics-DiagnosticSource";
    public const string EventCounters = "System.Runtime";
    /// <summary>ASP.NET Core's hosting EventSource: manifest RequestStart(method, path) and RequestStop().</summary>
    public const string Hosting = "Microsoft.AspNetCore.Hosting";
    /// <summary>
    /// The TPL EventSource. Its TasksFlowActivityIds keyword makes EventSource Start/Stop events carry an activity
    /// id that flows across awaits, which is what pairs a RequestStop with its RequestStart.
    /// </summary>
    public const string Tpl = "System.Threading.Tasks.TplEventSource";
    public const string RuntimeMeter = "System.Runtime";

    /// <summary>The first runtime with the System.Runtime meter; older ones get the EventCounters.</summary>
    public const int FirstRuntimeWithMeter = 9;

    /// <summary>
    /// Whether a target gets the EventCounters instead of the meter. An unknown version (self-contained or AOT, no
    /// libcoreclr.so path to read it from) gets the meter: such a build of an old runtime then records no runtime
    /// metrics, but a new one, the common case, records all of them (docs/dotnet-tracing.md, "Sessions, sharing, failures").
    /// </summary>
    public static bool UseEventCounters(int? runtimeMajorVersion, bool force) => force || runtimeMajorVersion < FirstRuntimeWithMeter;

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

    /// <summary>
    /// <see cref="RequestSpecs"/> with the runtime's ratio sampler (System.Diagnostics.DiagnosticSource 9+):
    /// <c>[AS]Source/Event-ParentRatioSampler(R)</c>. A root request is recorded when the first 8 bytes of its trace
    /// id, read as a signed big-endian integer, have an absolute value below R × long.MaxValue; a request with a
    /// traceparent follows the caller's sampled flag, and HttpClient propagates the server span's flag, so a trace
    /// is kept or dropped whole across services. The sampler needs an ActivitySource entry for the server span; the
    /// cheapest one the syntax allows is its Start event without payload. Measured on runtime 10.0.12: an activity
    /// the sampler did not record still gets its Start and Stop events and hosting still writes EndRequest, so the
    /// server event carries <c>Recorded</c> and the decoder drops the unrecorded ones; the HttpClient span of an
    /// unrecorded trace is not created at all (the sampler answers None for a local parent).
    /// </summary>
    public static string SampledRequestSpecs(double ratio)
    {
        string sampler = "-ParentRatioSampler(" + ratio.ToString("R", CultureInfo.InvariantCulture) + ")";
        return
            "[AS]Microsoft.AspNetCore/Start" + sampler + ":-\n" +
            "Microsoft.AspNetCore/Microsoft.AspNetCore.Hosting.EndRequest:-" + ServerFields + ";" + RecordedField + "\n" +
            "Microsoft.AspNetCore/Microsoft.AspNetCore.Hosting.UnhandledException:-" + ServerFields + ";" + RecordedField + "\n" +
            "[AS]System.Net.Http/Stop" + sampler + ":-TraceId;SpanId;ParentSpanId;DurationTicks=Duration.Ticks;Tags=TagObjects.*Enumerate;" +
            "Recorded=Recorded";
    }

    /// <summary>The payload field that says whether the sampler recorded the request's trace (True/False).</summary>
    public const string RecordedField = "Recorded=*Activity.Recorded";

    private const string ServerFields =
        "TraceId=*Activity.TraceId;SpanId=*Activity.SpanId;ParentSpanId=*Activity.ParentSpanId;StartTicks=*Activity.StartTimeUtc.Ticks;" +
        "EndTimestamp=timestamp;Method=httpContext.Request.Method;Path=httpContext.Request.Path;Status=httpContext.Response.StatusCode";
}
