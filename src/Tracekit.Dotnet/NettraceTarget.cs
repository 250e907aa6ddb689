namespace Tracekit.Dotnet;

/// <summary>
/// The process a nettrace file was captured from, as the collector's sidecar recorded it, and the clock pairs that
/// move wall-clock stamps (Activity.StartTimeUtc) onto CLOCK_MONOTONIC, the clock of every record.
/// </summary>
public sealed record NettraceTarget
{
    public required int Pid { get; init; }
    public ulong? PidStartTicks { get; init; }
    /// <summary>The program (for `dotnet app.dll`: app): the invocations' module id.</summary>
    public string Module { get; init; } = "";
    /// <summary>Clock pairs in time order (at least one: the attach pair); see <see cref="RealtimeMinusMonotonicNs"/>.</summary>
    public IReadOnlyList<ClockPair> Anchors { get; init; } = [];
    /// <summary>The share of traces the target's sampler recorded; every decoded request invocation carries it.</summary>
    public double RequestSampleRatio { get; init; } = 1.0;

    /// <summary>
    /// realtime − monotonic at <paramref name="monotonicNs"/>: the latest pair at or before it (the first pair before
    /// the first one). The same rule the ring's anchors follow (docs/ring-format.md section 4). Null without pairs.
    /// </summary>
    public long? RealtimeMinusMonotonicNs(long monotonicNs)
    {
        if (Anchors.Count == 0) return null;
        var best = Anchors[0];
        foreach (var pair in Anchors)
        {
            if (pair.MonotonicNs > monotonicNs) break;
            best = pair;
        }
        return best.OffsetNs;
    }

    /// <summary>The target as a capture folder's sidecar and anchors.jsonl describe it.</summary>
    public static NettraceTarget FromCapture(CaptureMetadata metadata, IReadOnlyList<ClockPair> anchors)
    {
        var pairs = new List<ClockPair>(anchors.Count + 1) { metadata.Attach };
        pairs.AddRange(anchors);
        pairs.Sort(static (a, b) => a.MonotonicNs.CompareTo(b.MonotonicNs));
        return new NettraceTarget { Pid = metadata.Pid, PidStartTicks = metadata.PidStartTicks, Module = metadata.Module, Anchors = pairs, RequestSampleRatio = metadata.RequestSampleRatio };
    }
}

/// <summary>What decoding one nettrace file found.</summary>
public sealed record NettraceDecodeResult
{
    public long EventsRead { get; init; }
    /// <summary>Events EventPipe dropped in the target (buffer full): gaps in its per-thread sequence numbers.</summary>
    public long EventsLost { get; init; }
    /// <summary>Events whose payload could not be decoded; skipped.</summary>
    public long Undecodable { get; init; }
    public long Invocations { get; init; }
    /// <summary>Requests the target's sampler did not record (their events still arrive on runtime 10.0): not invocations.</summary>
    public long Unsampled { get; init; }
    public long MetricValues { get; init; }
    public long GcEvents { get; init; }
    public long FileLengthInBytes { get; init; }
    /// <summary>Bytes the decoder consumed before the stream ended (equals the file length for a whole file).</summary>
    public long BytesReadInBytes { get; init; }
    /// <summary>Why the file is not whole (a capture cut short, e.g. a killed collector), naming the byte offset; null when whole.</summary>
    public string? Damage { get; init; }
    /// <summary>Lines worth a user's attention: metrics-session conflicts, provider errors, the first undecodable event.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
