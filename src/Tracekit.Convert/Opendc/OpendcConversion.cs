using Tracekit.Convert.Output;
using Tracekit.Convert.Reading;
using Tracekit.Format;
using Tracekit.Opendc;
using Tracekit.Ring;

namespace Tracekit.Convert.Opendc;

public enum TaskMode
{
    /// <summary>Each invocation with a PID or a cgroup (batch jobs) is a task.</summary>
    Invocations,
    /// <summary>Each sampled process, and each selected cgroup, is a task over its lifetime (as VM traces are built).</summary>
    Processes,
}

public sealed class OpendcOptions
{
    public required string RunDirectory { get; init; }
    public required string OutputDirectory { get; init; }
    public TaskMode Mode { get; init; } = TaskMode.Invocations;
    public double MergeBelowMhz { get; init; } = 0.1;
    public bool Salvage { get; init; }
    /// <summary>`--sampled-tasks scale`: each task of a sampled request is written round(1 / sampleRatio) times.</summary>
    public bool ScaleSampled { get; init; }
}

/// <summary>What one task conserved: the check that Σ usage × duration equals measured CPU × MHz.</summary>
public sealed record TaskAccount(int TaskId, string Name, string NodeId, long DurationMs, double MeasuredCpuSeconds, double MaxMhz, double FragmentMhzSeconds)
{
    public double ExpectedMhzSeconds => MeasuredCpuSeconds * MaxMhz;
    public double RelativeError => ExpectedMhzSeconds == 0 ? Math.Abs(FragmentMhzSeconds) : Math.Abs(FragmentMhzSeconds - ExpectedMhzSeconds) / ExpectedMhzSeconds;
}

/// <summary>How the CPU of one node's serving processes went to its request tasks (docs/opendc.md, "Requests").</summary>
public sealed record RequestCpuSummary(string NodeId, long Requests, long RequestsWithoutReadings, long AttributedCpuNs, long InFlightIntervalCpuNs, long IdleCpuNs, long NestedInvocations = 0)
{
    /// <summary>The share of the CPU of intervals with a request in flight that no request got.</summary>
    public double UnattributedShare => InFlightIntervalCpuNs == 0 ? 0 : 1 - ((double)AttributedCpuNs / InFlightIntervalCpuNs);

    public string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"node '{NodeId}': {Requests:N0} request task(s) got {AttributedCpuNs / 1e9:0.###} CPU-s of the {InFlightIntervalCpuNs / 1e9:0.###} CPU-s their serving processes used in reading intervals with a request in flight ({UnattributedShare:P1} unattributed: time with none in flight); a further {IdleCpuNs / 1e9:0.###} CPU-s fell in intervals with no request in flight")
        + (NestedInvocations > 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"; {NestedInvocations:N0} invocation(s) nested in a request of their process (its outgoing calls) are part of that request's task, not tasks") : "");
}

public sealed class OpendcResult
{
    public IReadOnlyList<RequestCpuSummary> Requests { get; init; } = [];
    public required string OutputDirectory { get; init; }
    public required IReadOnlyList<TaskAccount> Tasks { get; init; }
    public long Fragments { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }
    /// <summary>Tasks made from sampled requests (sampleRatio below 1), and the copies scaling added.</summary>
    public long SampledTasks { get; init; }
    public long ScaledCopies { get; init; }
}

/// <summary>
/// `tracekit-convert opendc`: a run to tasks.parquet, fragments.parquet and topology.json. Each node is read once,
/// in time order; a task's fragments are written when the task ends; until then all but its last chunk wait in a scratch file
/// (<see cref="FragmentSpill"/>), so memory holds only the open tasks' last chunks.
/// </summary>
public static class OpendcConverter
{
    /// <summary>Azure's converter assumed 2500 MHz per core; used only when a node recorded no max MHz.</summary>
    public const double FallbackMaxMhz = 2500;

    /// <summary>Records between two progress reports: rare enough to cost nothing.</summary>
    private const int ProgressEveryRecords = 8192;

    /// <param name="progress">Receives the bytes of ring read so far (a bar on a terminal, see <see cref="ProgressBar"/>).</param>
    public static OpendcResult Convert(OpendcOptions options, IProgressSink? progress = null)
    {
        if (!(options.MergeBelowMhz >= 0) || double.IsInfinity(options.MergeBelowMhz))
            throw new ConvertException(ReturnCode.ArgumentError, $"--merge-below-mhz must be a number >= 0 (got {options.MergeBelowMhz})");
        var membershipWarnings = new List<string>();
        // .NET captures are decoded into scratch rings that join their nodes as streams, as for cctf (Dotnet/):
        // their requests are request invocations like any other with a PID.
        using var dotnet = Dotnet.DotnetCaptures.Decode(RunInput.DiscoverMembers(options.RunDirectory, options.Salvage, membershipWarnings.Add), membershipWarnings.Add);
        var nodes = dotnet.Nodes;
        Directory.CreateDirectory(options.OutputDirectory);
        // Every table is written under a partial name and renamed only when all of them are complete: a failure
        // (a full disk, a damaged ring without --salvage) never leaves a table that looks whole beside the others.
        var outputs = new PartialOutputs(options.OutputDirectory);
        try
        {
            var result = Write(options, nodes, membershipWarnings, outputs, progress ?? NoProgress.Instance);
            outputs.Commit();
            return result;
        }
        finally
        {
            outputs.DeleteUncommitted();
        }
    }

    private static OpendcResult Write(OpendcOptions options, IReadOnlyList<NodeSource> nodes, List<string> membershipWarnings, PartialOutputs outputs, IProgressSink progress)
    {
        string fragmentsPath = outputs.Add("fragments.parquet");
        var tasks = new List<OpendcTask>();
        var accounts = new List<TaskAccount>();
        var warnings = new List<string>(membershipWarnings);
        var topology = new List<TopologyNode>();
        var requests = new List<RequestCpuSummary>();
        long fragmentCount;
        long bytesBefore = 0, sampledTasks = 0, scaledCopies = 0;
        using (var spill = new FragmentSpill(options.OutputDirectory))
        using (var fragments = new FragmentsParquetWriter(fragmentsPath))
        {
            var builder = new TaskTableBuilder(fragments, options.MergeBelowMhz, tasks, accounts, spill);
            var clusterLosses = options.Mode == TaskMode.Invocations ? ClusterLosses.Read(nodes, options.Salvage) : null;
            foreach (var node in nodes)
            {
                var observer = new OpendcReadObserver(node.NodeId, warnings);
                using IRecordSource source = Cctf.CctfConverter.OpenNode(node, observer, options.Salvage);
                var router = options.Mode == TaskMode.Invocations
                    ? (ITaskRouter)new InvocationTaskRouter(builder, node.NodeId, clusterLosses) { ScaleSampled = options.ScaleSampled }
                    : new ProcessTaskRouter(builder, node.NodeId);
                long count = 0;
                while (source.MoveNext(out var payload))
                {
                    router.OnRecord(source.Current, payload);
                    if (++count % ProgressEveryRecords == 0) progress.Report(bytesBefore + source.BytesRead);
                }
                bytesBefore += source.BytesRead;
                router.Finish();
                if (router is InvocationTaskRouter { OverlapsRefused: > 0 } invocations)
                {
                    warnings.Add($"node '{node.NodeId}': {invocations.OverlapsRefused} invocation(s) started on a PID or cgroup an open task already held " +
                        $"(first: '{invocations.FirstRefusedName}'); they are not tasks, the earlier task keeps that CPU (use --tasks processes for the whole process)");
                }
                if (router is InvocationTaskRouter sampled)
                {
                    sampledTasks += sampled.SampledTasks;
                    scaledCopies += sampled.ScaledCopies;
                }
                if (router is InvocationTaskRouter { Requests: { Requests: > 0 } served })
                {
                    requests.Add(new RequestCpuSummary(node.NodeId, served.Requests, served.RequestsWithoutReadings, served.AttributedCpuNs, served.InFlightIntervalCpuNs, served.IdleCpuNs, served.NestedInvocations));
                    if (served.RequestsWithoutReadings > 0)
                    {
                        warnings.Add($"node '{node.NodeId}': {served.RequestsWithoutReadings:N0} request invocation(s) name a PID the collector never sampled, so they have no CPU: " +
                            "collect with --pid, --match or --all selecting the serving processes (or --cgroup/--container) to give them one");
                    }
                }
                if (router.MaxMhz <= 0) warnings.Add($"node '{node.NodeId}' recorded no max MHz; assumed {FallbackMaxMhz} MHz per core");
                if (router.NodeInfo is { } info)
                    topology.Add(new TopologyNode(node.NodeId, Math.Max(1, info.CoreCount), router.EffectiveMhz, Math.Max(1, (long)(info.MemTotalKb / 1024))));
            }
            fragmentCount = fragments.Count;
        }
        progress.Complete();

        if (tasks.Count == 0)
        {
            throw new ConvertException(ReturnCode.EmptyRun, options.Mode == TaskMode.Invocations
                ? $"no invocation with a PID or cgroup in {options.RunDirectory}: nothing to turn into tasks (try --tasks processes)"
                : $"no sampled process in {options.RunDirectory}: nothing to turn into tasks");
        }
        TasksParquetWriter.Write(outputs.Add("tasks.parquet"), tasks);
        if (topology.Count > 0) TopologyWriter.Write(outputs.Add("topology.json"), topology);
        if (accounts.All(static a => a.MeasuredCpuSeconds == 0))
        {
            warnings.Add(options.Mode == TaskMode.Invocations
                ? "the workload has no CPU: no task's process or cgroup was sampled while it ran. Run the collector with --pid, --match, --all, --cgroup or --container selecting the processes that do the work (a `tracekit run` job is sampled on its own), or convert with --tasks processes"
                : "the workload has no CPU: the sampled processes used none. Select the processes that do the work with collect --pid, --match or --all");
        }
        return new OpendcResult { OutputDirectory = options.OutputDirectory, Tasks = accounts, Fragments = fragmentCount, Warnings = warnings,
            SampledTasks = sampledTasks, ScaledCopies = scaledCopies, Requests = requests };
    }
}

/// <summary>Collects damage and anchors for the OpenDC pass: only warnings matter here, the CCTF audit reports the rest.</summary>
internal sealed class OpendcReadObserver(string nodeId, List<string> warnings) : IReadObserver
{
    public void OnAnchor(StreamContext stream, in ClockAnchor anchor, AnchorSource source, string segmentPath) { }

    public void OnDamage(StreamContext stream, RingDamage damage) =>
        warnings.Add($"node '{nodeId}' stream '{stream.Name}': {damage.Kind}: {damage.Message}");

    public void OnDamagedRecord(StreamContext stream, string segmentPath, long fileOffset, DecodeError error) =>
        warnings.Add($"node '{nodeId}' stream '{stream.Name}': damaged record skipped at {segmentPath} offset {fileOffset}: {error.Message}");

    public void OnUnknownKind(StreamContext stream, ulong kindNumber) { }
}
