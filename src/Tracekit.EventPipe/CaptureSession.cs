using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;

namespace Tracekit.EventPipe;

/// <summary>The EventPipe session one capture opens: the <see cref="CaptureProviders"/> with their keywords and arguments.</summary>
public static class CaptureSession
{
    /// <summary>The runtime provider's GC keyword.</summary>
    private const long GcKeyword = 0x1;
    /// <summary>MetricsEventSource.Keywords.TimeSeriesValues.</summary>
    private const long TimeSeriesValuesKeyword = 0x2;
    /// <summary>DiagnosticSourceEventSource.Keywords.Events.</summary>
    private const long DiagnosticSourceEventsKeyword = 0x2;
    /// <summary>TplEventSource.Keywords.TasksFlowActivityIds.</summary>
    private const long TasksFlowActivityIdsKeyword = 0x80;

    public static EventPipeSessionConfiguration Build(CaptureOptions options, string clientId, bool eventCounters)
    {
        var providers = new List<EventPipeProvider>();
        if (options.GcEvents)
            providers.Add(new EventPipeProvider(CaptureProviders.Runtime, EventLevel.Informational, GcKeyword));
        if (options.Metrics && eventCounters)
        {
            providers.Add(new EventPipeProvider(CaptureProviders.EventCounters, EventLevel.Informational, -1, new Dictionary<string, string>
            {
                ["EventCounterIntervalSec"] = options.MetricsIntervalSeconds.ToString(CultureInfo.InvariantCulture),
            }));
        }
        else if (options.Metrics)
        {
            providers.Add(new EventPipeProvider(CaptureProviders.Metrics, EventLevel.Informational, TimeSeriesValuesKeyword, new Dictionary<string, string>
            {
                // SHARED lets dotnet-counters (and other tools) aggregate in the same in-process session; ClientId
                // tells this client's requests apart in it. Every shared client must agree on the three limits.
                ["SessionId"] = "SHARED",
                ["ClientId"] = clientId,
                ["Metrics"] = CaptureProviders.RuntimeMeter,
                ["RefreshInterval"] = options.MetricsIntervalSeconds.ToString(CultureInfo.InvariantCulture),
                ["MaxTimeSeries"] = options.MaxTimeSeries.ToString(CultureInfo.InvariantCulture),
                ["MaxHistograms"] = options.MaxHistograms.ToString(CultureInfo.InvariantCulture),
            }));
        }
        if (options.Requests)
        {
            string specs = options.RequestSampleRatio < 1 ? CaptureProviders.SampledRequestSpecs(options.RequestSampleRatio) : CaptureProviders.RequestSpecs;
            providers.Add(new EventPipeProvider(CaptureProviders.DiagnosticSource, EventLevel.Informational, DiagnosticSourceEventsKeyword,
                new Dictionary<string, string> { ["FilterAndPayloadSpecs"] = specs }));
        }
        if (options.LeanRequests)
        {
            // Hosting's RequestStart/RequestStop are informational with no keyword; the TPL keyword turns on the
            // activity ids that pair them (a request may end on another thread than it started on).
            providers.Add(new EventPipeProvider(CaptureProviders.Hosting, EventLevel.Informational, 0));
            providers.Add(new EventPipeProvider(CaptureProviders.Tpl, EventLevel.Informational, TasksFlowActivityIdsKeyword));
        }
        // No rundown (method and module enumeration at stop) and no stacks: neither is needed, both cost the target.
        return new EventPipeSessionConfiguration(providers, options.BufferSizeInMb, requestRundown: false, requestStackwalk: false);
    }
}
