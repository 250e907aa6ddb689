using System.Diagnostics;
using System.Globalization;
using Tracekit.Cluster;

namespace Tracekit.Collector.Cluster;

/// <summary>
/// Runs one claimed job exactly as `tracekit run` does (its own cgroup, sampled from its first tick, its
/// invocation in the run's node folder), as a child `tracekit run` whose trace id is the job id, whose
/// enqueue time is the submit time put on this node's clock, and whose CPU limit is its units in cores.
/// </summary>
internal sealed class JobLauncher(AgentSettings settings)
{
    /// <summary>
    /// A unit is cores ÷ capacity units of CPU (one core when --capacity-units is not given). The allocation ratio
    /// is left out on purpose: it lets the scheduler place more units than the node has, and each job keeps the
    /// CPU its units stand for, so overcommitted jobs share the cores rather than each getting less.
    /// </summary>
    public static double CoresPerUnit(int cores, int? capacityUnits) => capacityUnits is > 0 ? (double)cores / capacityUnits.Value : 1.0;

    public Process Start(ClaimedJob job, ClockOffsetEstimator.Estimate clock, double coresPerUnit)
    {
        // Cluster epoch ms → local epoch ms: `tracekit run` maps local epoch time onto its monotonic clock.
        long localSubmitMs = job.SubmitMs - (long)Math.Round(clock.OffsetNs / 1e6);
        var args = new List<string>
        {
            "run", "--run-id", job.RunId, "--node-id", settings.NodeId, "--out", settings.OutDirectory,
            "--trace-id", job.JobId, "--enqueue-ms", localSubmitMs.ToString(CultureInfo.InvariantCulture),
            "--interval", $"{settings.JobIntervalNs / 1_000_000}ms",
            "--cpu-limit", (job.CpuUnits * coresPerUnit).ToString("0.###", CultureInfo.InvariantCulture),
        };
        if (job.Input is not null) { args.Add("--input"); args.Add(job.Input); }
        if (job.Output is not null) { args.Add("--output"); args.Add(job.Output); }
        args.Add("--");
        args.AddRange(job.Argv);
        return ChildTracekit.Start(args);
    }
}
