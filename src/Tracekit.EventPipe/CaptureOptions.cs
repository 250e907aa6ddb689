namespace Tracekit.EventPipe;

/// <summary>What <see cref="EventPipeCapture"/> follows, what it asks each process for, and where the bytes go.</summary>
public sealed record CaptureOptions
{
    /// <summary>The runtime meter is never read faster than this: its callbacks cost the target a little each time.</summary>
    public const long MinMetricsIntervalNs = 1_000_000_000;

    /// <summary>The node's <c>streams/</c> folder; each process gets <c>dotnet-&lt;pid&gt;-&lt;startTicks&gt;/</c> in it.</summary>
    public required string StreamsDirectory { get; init; }

    /// <summary>
    /// Explicit targets. When non-empty only these PIDs are followed (a PID that is not a reachable .NET process
    /// is reported once, and attached if it becomes one); when empty, every discovered .NET process that
    /// <see cref="Follow"/> accepts is followed.
    /// </summary>
    public IReadOnlyList<int> Pids { get; init; } = [];

    /// <summary>
    /// In discovery mode, decides whether a newly found .NET process is followed (for `--dotnet all`: the processes
    /// the collector's other target options select). Null follows every .NET process. Called on the discovery thread.
    /// </summary>
    public Func<int, bool>? Follow { get; init; }

    /// <summary>The collection interval; the runtime metrics use max(this, 1 s) (see <see cref="MetricsIntervalSeconds"/>).</summary>
    public long IntervalNs { get; init; } = MinMetricsIntervalNs;

    /// <summary>How often the diagnostics IPC folder is scanned for new processes (and exited ones noticed).</summary>
    public long DiscoveryIntervalNs { get; init; } = 1_000_000_000;

    /// <summary>How often a clock anchor is appended to each capture's anchors.jsonl (maps EventPipe stamps to epoch).</summary>
    public long AnchorIntervalNs { get; init; } = 10_000_000_000;

    /// <summary>Runtime metrics from the System.Runtime meter (or EventCounters on runtimes without it).</summary>
    public bool Metrics { get; init; } = true;

    /// <summary>GC start/stop events with pause durations (runtime GC keyword, informational level).</summary>
    public bool GcEvents { get; init; } = true;

    /// <summary>One invocation per ASP.NET Core request and per outgoing HttpClient request.</summary>
    public bool Requests { get; init; } = true;

    /// <summary>
    /// With <see cref="Requests"/>: the share of traces the target's ratio sampler marks as recorded, by trace id
    /// (a request that arrives with a traceparent follows its sampled flag). 1 records every request.
    /// </summary>
    public double RequestSampleRatio { get; init; } = 1.0;

    /// <summary>
    /// Start and stop per ASP.NET Core request from the hosting EventSource's manifest events: method, path and
    /// times only (no status, no trace id, no HttpClient calls). Exclusive with <see cref="Requests"/>.
    /// </summary>
    public bool LeanRequests { get; init; }

    /// <summary>
    /// Read the System.Runtime EventCounters instead of the meter. Chosen by itself for a runtime older than .NET 9
    /// (no System.Runtime meter); this forces it (tests, comparisons).
    /// </summary>
    public bool ForceEventCounters { get; init; }

    /// <summary>The EventPipe buffer in the target, per session. A full buffer drops events; the decoder counts them.</summary>
    public int BufferSizeInMb { get; init; } = 16;

    /// <summary>
    /// The meter session's limits. In a SHARED metrics session every client must ask for the same values, so these
    /// are dotnet-counters' defaults; change them only together with the other tools' settings.
    /// </summary>
    public int MaxTimeSeries { get; init; } = 1000;

    /// <summary>See <see cref="MaxTimeSeries"/>.</summary>
    public int MaxHistograms { get; init; } = 10;

    /// <summary>Whole seconds: the metrics provider's RefreshInterval argument.</summary>
    public int MetricsIntervalSeconds => (int)Math.Max(1, (Math.Max(IntervalNs, MinMetricsIntervalNs) + 500_000_000) / 1_000_000_000);

    public void Validate()
    {
        if (!Metrics && !GcEvents && !Requests && !LeanRequests) throw new ArgumentException("nothing to trace: metrics, GC events and requests are all off");
        if (Requests && LeanRequests) throw new ArgumentException("requests and lean requests are exclusive");
        if (!(RequestSampleRatio > 0 && RequestSampleRatio <= 1)) throw new ArgumentException($"request sample ratio {RequestSampleRatio} is not in (0, 1]");
        if (string.IsNullOrEmpty(StreamsDirectory)) throw new ArgumentException("no streams folder");
        foreach (int pid in Pids)
        {
            if (pid <= 0) throw new ArgumentException($"{pid} is not a process id");
        }
    }
}
