using Tracekit.Collector.Recording;
using Tracekit.Collector.Sampling;
using Tracekit.EventPipe;

namespace Tracekit.Collector.Dotnet;

/// <summary>
/// `collect --dotnet`: runs the EventPipe capture next to the samplers. Its threads are its own (discovery and one
/// copy thread per process), so the tick loop never waits on it; it writes raw nettrace files under
/// <c>streams/dotnet-*</c> and no ring record. Stopping ends every session and lets the runtimes flush.
/// </summary>
internal sealed class DotnetCollect : IDisposable
{
    private readonly EventPipeCapture _capture;

    private DotnetCollect(EventPipeCapture capture) => _capture = capture;

    /// <summary>Null when --dotnet was not given. Attach failures are warnings on stderr, never an exception.</summary>
    public static DotnetCollect? Start(CollectSettings settings)
    {
        if (settings.Dotnet is not { } selection) return null;
        var layout = new RunLayout(settings.OutDirectory, settings.RunId, settings.NodeId);
        var capture = new EventPipeCapture(new CaptureOptions
        {
            StreamsDirectory = layout.StreamsDirectory,
            Pids = selection.Pids,
            Follow = selection.Discover ? DotnetTargetFilter.Create(settings, layout.PidsDirectory) : null,
            IntervalNs = settings.IntervalNs,
            Metrics = selection.Metrics,
            GcEvents = selection.Gc,
            Requests = selection.Requests,
            LeanRequests = selection.LeanRequests,
            RequestSampleRatio = selection.RequestSampleRatio,
            BufferSizeInMb = selection.BufferSizeInMb,
        }, new CaptureIdentity(settings.RunId, settings.NodeId, settings.Stage), Log);
        capture.Start();
        return new DotnetCollect(capture);
    }

    public IReadOnlyList<TargetStatus> Targets => _capture.Targets;

    public void Stop() => _capture.Stop();

    public void Dispose() => _capture.Dispose();

    private static void Log(CaptureMessage message)
    {
        if (message.Level == CaptureMessageLevel.Warning) Console.Error.WriteLine($"tracekit: warning: {message}");
        else Console.Error.WriteLine($"tracekit: {message}");
    }
}
