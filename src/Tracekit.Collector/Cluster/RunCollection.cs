using System.Diagnostics;
using Tracekit.Collector.Recording;
using Tracekit.Native;

namespace Tracekit.Collector.Cluster;

/// <summary>
/// One run's local collection on this node: a child `tracekit collect` with the flags `tracekit cluster start`
/// gave, and peer probes into the agent's stream. Stopped with SIGTERM, as `tracekit stop` does.
/// </summary>
internal sealed class RunCollection(string runId, Process collector, RunLayout layout)
{
    /// <summary>Flags the cluster may not set: the agent decides where and as whom it records.</summary>
    public static readonly string[] ReservedFlags = ["--run-id", "--node-id", "--out", "-o"];

    public string RunId { get; } = runId;
    public Process Collector { get; } = collector;
    public RunLayout Layout { get; } = layout;

    public static RunCollection Start(AgentSettings settings, string runId, IReadOnlyList<string> flags)
    {
        var layout = new RunLayout(settings.OutDirectory, runId, settings.NodeId);
        var args = new List<string> { "collect", "--run-id", runId, "--node-id", settings.NodeId, "--out", settings.OutDirectory };
        args.AddRange(flags.Where(f => !ReservedFlags.Contains(f.Split('=')[0])));
        return new RunCollection(runId, ChildTracekit.Start(args), layout);
    }

    /// <summary>Waits until the collector registered itself (it samples from then on), or exited.</summary>
    public bool WaitUntilCollecting(int timeoutMs)
    {
        var waited = Stopwatch.StartNew();
        while (waited.ElapsedMilliseconds < timeoutMs)
        {
            if (Collector.HasExited) return false;
            if (CollectorRegistration.ReadLive(Layout) is not null) return true;
            Thread.Sleep(5); // the child's startup, once per run: not a loop on the idle path
        }
        return false;
    }

    public int Stop(int timeoutMs)
    {
        if (!Collector.HasExited) Libc.TrySendSignal(Collector.Id, Libc.SigTerm, out _);
        if (!Collector.WaitForExit(timeoutMs)) Collector.Kill();
        Collector.WaitForExit();
        return Collector.ExitCode;
    }
}
