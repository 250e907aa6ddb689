namespace Tracekit.Convert.Cctf;

/// <summary>File names of the CCTF output folder: the first nine are cctf-compat.md's, the rest are documented in docs/cctf.md.</summary>
public static class CctfFiles
{
    public const string Nodes = "nodes.json";
    public const string Links = "links.json";
    public const string Invocations = "invocations.jsonl";
    public const string HostMetrics = "host_metrics.jsonl";
    public const string LinkMetrics = "link_metrics.jsonl";
    public const string ProcCpu = "proc_cpu.jsonl";
    public const string ProcRss = "proc_rss.jsonl";
    public const string ProcMetrics = "proc_metrics.jsonl";
    public const string PlacementEvents = "placement_events.jsonl";

    public const string DotnetMetrics = "dotnet_metrics.jsonl";
    public const string DotnetEvents = "dotnet_events.jsonl";
    public const string ProcessEvents = "process_events.jsonl";
    public const string ClockAnchors = "clock_anchors.jsonl";
    public const string CgroupMetrics = "cgroup_metrics.jsonl";
    public const string AuditReport = "audit_report.md";

    /// <summary>The JSON Lines files, written per partition.</summary>
    public static readonly string[] JsonlFiles =
    [
        Invocations, HostMetrics, LinkMetrics, ProcCpu, ProcRss, ProcMetrics, PlacementEvents,
        DotnetMetrics, DotnetEvents, ProcessEvents, ClockAnchors, CgroupMetrics,
    ];

    /// <summary>Every file a conversion writes at the top of the output folder (without partitions).</summary>
    public static readonly string[] All = [Nodes, Links, .. JsonlFiles, AuditReport];
}
