namespace Tracekit.Load;

/// <summary>What `tracekit load` sends: a constant rate, open loop, to the given URLs only.</summary>
public sealed record LoadOptions
{
    /// <summary>Targets, used in turn. Absolute http(s) URLs; redirects are never followed.</summary>
    public required IReadOnlyList<Uri> Urls { get; init; }
    public required double RatePerSecond { get; init; }
    public required long DurationNs { get; init; }
    /// <summary>At most this many connections per target; requests beyond wait in the client (and that wait counts).</summary>
    public int Connections { get; init; } = 64;
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// A request due while this many are outstanding is not sent and is counted as not sent: an overloaded
    /// target must not make the generator's memory grow without bound.
    /// </summary>
    public int MaxInFlight { get; init; } = 10_000;

    /// <summary>Checks the values a user typed; throws ArgumentException naming the option.</summary>
    public void Validate()
    {
        if (Urls.Count == 0) throw new ArgumentException("--url: give at least one target");
        foreach (var u in Urls)
        {
            if (!u.IsAbsoluteUri || u.Scheme is not ("http" or "https"))
                throw new ArgumentException($"--url '{u}' is not an absolute http or https URL");
            if (!string.IsNullOrEmpty(u.UserInfo)) throw new ArgumentException($"--url '{u}': credentials in URLs are not accepted");
        }
        if (!(RatePerSecond > 0) || RatePerSecond > 1_000_000) throw new ArgumentException("--rate must be in (0, 1000000] requests per second");
        if (DurationNs <= 0) throw new ArgumentException("--duration must be positive");
        if (Connections < 1 || Connections > 100_000) throw new ArgumentException("--connections must be 1..100000");
        if (MaxInFlight < 1) throw new ArgumentException("MaxInFlight must be positive");
    }
}

/// <summary>The result of one load run. Latencies are from each request's scheduled send time.</summary>
public sealed record LoadReport(
    long Scheduled,
    long Sent,
    long NotSent,
    long Completed,
    long Errors,
    long ElapsedNs,
    IReadOnlyDictionary<int, long> StatusCounts,
    long P50Ns,
    long P90Ns,
    long P99Ns,
    long P999Ns,
    long MaxNs,
    long RecordsWritten)
{
    /// <summary>Responses per second over the run, the achieved rate.</summary>
    public double AchievedRatePerSecond => ElapsedNs > 0 ? Completed * 1e9 / ElapsedNs : 0;
}
