namespace Tracekit.Convert.Audit;

/// <summary>How invocations joined: start with end, and invocation with the samples of its process.</summary>
public sealed class InvocationAudit
{
    public long Starts { get; set; }

    public long Ends { get; set; }

    /// <summary>Rows written with both a start and an end.</summary>
    public long Joined { get; set; }

    /// <summary>Starts without an end: written with ts_end null (a job still running when the collector stopped).</summary>
    public long Unfinished { get; set; }

    /// <summary>Ends without a start: written with the start fields null.</summary>
    public long EndsWithoutStart { get; set; }

    /// <summary>A second start with the same (trace_id, span_id) before the first ended.</summary>
    public long DuplicateStarts { get; set; }

    /// <summary>Starts recorded by a sampling source (sampleRatio below 1, docs/ring-format.md version 1.1).</summary>
    public long SampledStarts { get; set; }

    /// <summary>Starts scaled to the requests they stand for: the sum of 1 / sampleRatio (1 for an unsampled start).</summary>
    public double EstimatedStarts { get; set; }

    /// <summary>Invocations that name a pid.</summary>
    public long WithPid { get; set; }

    /// <summary>Of those, invocations with at least one ProcessSample of that pid between start and end.</summary>
    public long WithProcessSamples { get; set; }
}

/// <summary>Process series: counts, anomalies, and the largest gap of each process (in one shared summary).</summary>
public sealed class ProcessAudit
{
    public long Processes { get; set; }

    public long Samples { get; set; }

    /// <summary>Samples at or before the previous sample of the same process (e.g. sampled by two streams); skipped.</summary>
    public long OutOfOrderSamples { get; set; }

    /// <summary>CPU counter went backwards or changed source: the window was not written, the baseline restarted.</summary>
    public long CpuBaselineResets { get; set; }

    /// <summary>Each process's largest interval between samples, one entry per process.</summary>
    public IntervalStats LargestGapPerProcess { get; } = new();
}
