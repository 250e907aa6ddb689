namespace Tracekit.Collector.Dotnet;

/// <summary>
/// What `--dotnet [all|PID…]` asked for: explicit PIDs, or discovery (`all`, or the flag alone) of the .NET
/// processes the other target options select (every .NET process when there are none).
/// </summary>
public sealed record DotnetSelection(IReadOnlyList<int> Pids)
{
    /// <summary>The names `--dotnet-sources` takes, in the order `--help` lists them.</summary>
    public static readonly string[] SourceNames = ["metrics", "gc", "requests", LeanSourceName];

    /// <summary>Requests from the hosting EventSource's manifest events: cheaper, without status or trace id.</summary>
    public const string LeanSourceName = "requests-lean";

    public bool Discover => Pids.Count == 0;

    /// <summary>Runtime metrics (System.Runtime meter, or EventCounters on old runtimes).</summary>
    public bool Metrics { get; init; } = true;

    /// <summary>GC start/stop events with pause durations.</summary>
    public bool Gc { get; init; } = true;

    /// <summary>One invocation per ASP.NET Core request and per outgoing HttpClient call.</summary>
    public bool Requests { get; init; } = true;

    /// <summary>`requests-lean`: start and stop per ASP.NET Core request with method, path and times only.</summary>
    public bool LeanRequests { get; init; }

    /// <summary>`--dotnet-request-sample`: the share of traces the target's sampler records (0 &lt; ratio ≤ 1).</summary>
    public double RequestSampleRatio { get; init; } = 1.0;

    /// <summary>
    /// `--dotnet-buffer`: EventPipe's buffer in each target, MiB. A larger one rides out longer stalls of the
    /// collector; a smaller one bounds the target's memory (and is how the tests force EventPipe to drop events).
    /// </summary>
    public int BufferSizeInMb { get; init; } = DefaultBufferSizeInMb;

    public const int DefaultBufferSizeInMb = 16;

    /// <summary>The runtime refuses a 0 MiB session; 1 GiB is already far beyond what any target should give up.</summary>
    public const int MaxBufferSizeInMb = 1024;

    /// <summary>
    /// Applies `--dotnet-sources a,b,…`: only the named sources are captured. Each costs the target something
    /// (docs/dotnet-tracing.md, "What each source costs"), so an operator who needs only metrics can say so.
    /// </summary>
    public DotnetSelection WithSources(IReadOnlyList<string> values)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (Array.IndexOf(SourceNames, part) < 0)
                    throw new ArgumentException($"--dotnet-sources '{part}' is not one of {string.Join(", ", SourceNames)}");
                names.Add(part);
            }
        }
        if (names.Count == 0) throw new ArgumentException($"--dotnet-sources needs at least one of {string.Join(", ", SourceNames)}");
        if (names.Contains("requests") && names.Contains(LeanSourceName))
            throw new ArgumentException($"--dotnet-sources takes requests or {LeanSourceName}, not both");
        var result = this with
        {
            Metrics = names.Contains("metrics"), Gc = names.Contains("gc"), Requests = names.Contains("requests"), LeanRequests = names.Contains(LeanSourceName),
        };
        return result.CheckSampleApplies();
    }

    /// <summary>Applies `--dotnet-request-sample RATIO`: a number above 0 and at most 1, in invariant notation.</summary>
    public DotnetSelection WithRequestSample(string? value)
    {
        if (!double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double ratio)
            || !(ratio > 0 && ratio <= 1))
            throw new ArgumentException($"--dotnet-request-sample '{value}' is not a ratio above 0 and at most 1 (for 10% write 0.1)");
        return (this with { RequestSampleRatio = ratio }).CheckSampleApplies();
    }

    private DotnetSelection CheckSampleApplies() =>
        RequestSampleRatio < 1 && !Requests
            ? throw new ArgumentException("--dotnet-request-sample needs the requests source (the lean source has no trace id to sample by)")
            : this;

    /// <summary>Parses the option's values: nothing or "all" → discovery; otherwise PIDs.</summary>
    public static DotnetSelection Parse(IReadOnlyList<string> values)
    {
        if (values.Count == 0 || (values.Count == 1 && values[0] == "all")) return new DotnetSelection([]);
        var pids = new List<int>();
        foreach (var value in values)
        {
            if (value == "all") throw new ArgumentException("--dotnet takes 'all' or PIDs, not both");
            if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid) || pid <= 0)
                throw new ArgumentException($"--dotnet '{value}' is neither 'all' nor a process id");
            pids.Add(pid);
        }
        return new DotnetSelection(pids);
    }
}
