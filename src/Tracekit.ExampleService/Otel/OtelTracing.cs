using System.Diagnostics;
using System.Globalization;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Tracekit.ExampleService;

/// <summary>
/// The OpenTelemetry variant (built only with -p:TracekitOtel=true): what a team would run instead of Tracekit,
/// tracing in process. ASP.NET Core instrumentation, a batch processor and an exporter that discards, so the
/// service pays for span creation, enrichment and batching but no network. TRACEKIT_EXAMPLE_OTEL_RATIO (default
/// 1) picks AlwaysOn (1) or ParentBased(TraceIdRatioBased(ratio)).
/// </summary>
internal static class OtelTracing
{
    public const string RatioVariable = "TRACEKIT_EXAMPLE_OTEL_RATIO";

    /// <summary>Spans the exporter was handed (each batch's spans counted as they are discarded).</summary>
    private static long s_exportedSpans;

    /// <summary>`GET /otel/spans`: how many spans were exported so far, so a test can see the SDK at work.</summary>
    public static void MapSpanCount(WebApplication app) =>
        app.MapGet("/otel/spans", () => Interlocked.Read(ref s_exportedSpans).ToString(CultureInfo.InvariantCulture) + "\n");

    public static void Add(WebApplicationBuilder builder)
    {
        double ratio = double.TryParse(Environment.GetEnvironmentVariable(RatioVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out double r) && r is > 0 and <= 1
            ? r
            : 1.0;
        Sampler sampler = ratio >= 1 ? new AlwaysOnSampler() : new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio));
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing
            .SetSampler(sampler)
            .AddAspNetCoreInstrumentation()
            .AddProcessor(new BatchActivityExportProcessor(new DiscardingExporter())));
    }

    /// <summary>Reads each span's name and tags (as an exporter must touch what it exports) and keeps nothing.</summary>
    private sealed class DiscardingExporter : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            long spans = 0;
            foreach (var activity in batch)
            {
                foreach (var tag in activity.TagObjects) _ = tag.Value;
                if (activity.DisplayName.Length >= 0) spans++;
            }
            Interlocked.Add(ref s_exportedSpans, spans);
            return ExportResult.Success;
        }
    }
}
