namespace Tracekit.Dotnet.Tests.Support;

/// <summary>
/// Waits on what a capture holds so far: decodes its trace.nettrace as written (a cut file decodes its whole
/// part) until the records a test needs are there. The target flushes its EventPipe buffers about once a second,
/// so this replaces guessing how long that takes.
/// </summary>
internal static class LiveCapture
{
    public static bool WaitFor(string captureDirectory, Func<MemorySink, bool> ready, TimeSpan timeout) =>
        Waits.Until(() => ready(DecodeSoFar(captureDirectory)), timeout);

    /// <summary>Fails the test with what was decoded when <paramref name="ready"/> did not hold within 60 s.</summary>
    public static void AssertReaches(string captureDirectory, Func<MemorySink, bool> ready, string what)
    {
        if (WaitFor(captureDirectory, ready, TimeSpan.FromSeconds(60))) return;
        var sink = DecodeSoFar(captureDirectory);
        Assert.Fail($"the capture in {captureDirectory} never held {what}: {sink.Starts.Count} starts, {sink.Metrics.Count} metrics, {sink.Events.Count} events decoded");
    }

    public static MemorySink DecodeSoFar(string captureDirectory)
    {
        var sink = new MemorySink();
        var metadata = CaptureMetadata.TryRead(captureDirectory, out _);
        string trace = Path.Combine(captureDirectory, CaptureMetadata.TraceFileName);
        if (metadata is null || !File.Exists(trace)) return sink;
        NettraceDecoder.Decode(trace, NettraceTarget.FromCapture(metadata, CaptureMetadata.ReadAnchors(captureDirectory, out _)), sink);
        return sink;
    }
}
