using System.Diagnostics;
using System.Globalization;
using Tracekit.Cluster;

namespace Tracekit.Collector.Cluster;

/// <summary>
/// Runs one claimed job exactly as `tracekit run` does (its own cgroup, sampled from its first tick, its
/// invocation in the run's node folder), as a child `tracekit run` whose trace id is the job id and whose
/// enqueue time is the submit time put on this node's clock.
/// </summary>
internal sealed class JobLauncher(AgentSettings settings)
{
    public Process Start(ClaimedJob job, ClockOffsetEstimator.Estimate clock)
    {
        // Cluster epoch ms → local epoch ms: `tracekit run` maps local epoch time onto its monotonic clock.
        long localSubmitMs = job.SubmitMs - (long)Math.Round(clock.OffsetNs / 1e6);
        var args = new List<string>
        {
            "run", "--run-id", job.RunId, "--node-id", settings.NodeId, "--out", settings.OutDirectory,
            "--trace-id", job.JobId, "--enqueue-ms", localSubmitMs.ToString(CultureInfo.InvariantCulture),
            "--interval", $"{settings.JobIntervalNs / 1_000_000}ms",
        };
        if (job.Input is not null) { args.Add("--input"); args.Add(job.Input); }
        if (job.Output is not null) { args.Add("--output"); args.Add(job.Output); }
        args.Add("--");
        args.AddRange(job.Argv);
        return ChildTracekit.Start(args);
    }
}
