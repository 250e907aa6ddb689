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

    private const string ServerFields =
        "TraceId=*Activity.TraceId;SpanId=*Activity.SpanId;ParentSpanId=*Activity.ParentSpanId;StartTicks=*Activity.StartTimeUtc.Ticks;" +
        "EndTimestamp=timestamp;Method=httpContext.Request.Method;Path=httpContext.Request.Path;Status=httpContext.Response.StatusCode";
}
