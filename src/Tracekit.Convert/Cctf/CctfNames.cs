using Tracekit.Convert.Output;

namespace Tracekit.Convert.Cctf;

/// <summary>
/// Property names of the CCTF files, pre-encoded once. The names of cctf-compat.md are binding (users' scripts read
/// them); the additions are documented in docs/cctf.md.
/// </summary>
internal static class CctfNames
{
    // Shared.
    public static readonly JsonName TsMs = JsonName.Of("ts_ms");
    public static readonly JsonName Ts = JsonName.Of("ts");
    public static readonly JsonName Node = JsonName.Of("node");
    public static readonly JsonName NodeId = JsonName.Of("node_id");
    public static readonly JsonName Stage = JsonName.Of("stage");
    public static readonly JsonName Pid = JsonName.Of("pid");
    public static readonly JsonName StartTicks = JsonName.Of("start_ticks");
    public static readonly JsonName DtMs = JsonName.Of("dt_ms");
    public static readonly JsonName CpuMs = JsonName.Of("cpu_ms");
    public static readonly JsonName Event = JsonName.Of("event");
    public static readonly JsonName Stream = JsonName.Of("stream");

    // nodes.json, links.json.
    public static readonly JsonName CpuCores = JsonName.Of("cpu_cores");
    public static readonly JsonName MemMb = JsonName.Of("mem_mb");
    public static readonly JsonName CpuModel = JsonName.Of("cpu_model");
    public static readonly JsonName CpuFreqMhz = JsonName.Of("cpu_freq_mhz");
    public static readonly JsonName Hostname = JsonName.Of("hostname");
    public static readonly JsonName Kernel = JsonName.Of("kernel");
    public static readonly JsonName U = JsonName.Of("u");
    public static readonly JsonName V = JsonName.Of("v");
    public static readonly JsonName BwBps = JsonName.Of("BW_bps");
    public static readonly JsonName PrS = JsonName.Of("PR_s");

    // host_metrics.jsonl, link_metrics.jsonl.
    public static readonly JsonName CpuUtil = JsonName.Of("cpu_util");
    public static readonly JsonName MemFreeMb = JsonName.Of("mem_free_mb");
    public static readonly JsonName Link = JsonName.Of("link");
    public static readonly JsonName RxBps = JsonName.Of("rx_Bps");
    public static readonly JsonName TxBps = JsonName.Of("tx_Bps");

    // proc_*.jsonl.
    public static readonly JsonName RssKb = JsonName.Of("rss_kb");

    // invocations.jsonl.
    public static readonly JsonName TraceId = JsonName.Of("trace_id");
    public static readonly JsonName SpanId = JsonName.Of("span_id");
    public static readonly JsonName ParentId = JsonName.Of("parent_id");
    public static readonly JsonName ModuleId = JsonName.Of("module_id");
    public static readonly JsonName InstanceId = JsonName.Of("instance_id");
    public static readonly JsonName TsEnqueue = JsonName.Of("ts_enqueue");
    public static readonly JsonName TsStart = JsonName.Of("ts_start");
    public static readonly JsonName TsEnd = JsonName.Of("ts_end");
    public static readonly JsonName Method = JsonName.Of("method");
    public static readonly JsonName Path = JsonName.Of("path");
    public static readonly JsonName BytesIn = JsonName.Of("bytes_in");
    public static readonly JsonName BytesOut = JsonName.Of("bytes_out");
    public static readonly JsonName CpuTimeMs = JsonName.Of("cpu_time_ms");
    public static readonly JsonName QueueTimeMs = JsonName.Of("queue_time_ms");
    public static readonly JsonName ServiceTimeMs = JsonName.Of("service_time_ms");
    public static readonly JsonName RtMs = JsonName.Of("rt_ms");
    public static readonly JsonName Status = JsonName.Of("status");
    public static readonly JsonName Input = JsonName.Of("input");
    public static readonly JsonName Output = JsonName.Of("output");
    public static readonly JsonName Cpuset = JsonName.Of("cpuset");
    public static readonly JsonName Cgroup = JsonName.Of("cgroup");
    public static readonly JsonName PidStartTicks = JsonName.Of("pid_start_ticks");
    public static readonly JsonName PeakRssKb = JsonName.Of("peak_rss_kb");
    public static readonly JsonName SampleRatio = JsonName.Of("sample_ratio");

    // placement_events.jsonl.
    public static readonly JsonName AppId = JsonName.Of("app_id");
    /// <summary>Cluster mode's addition (ring format 1.2): the job's CPU units; null for placements without it.</summary>
    public static readonly JsonName CpuUnits = JsonName.Of("cpu_units");

    // process_events.jsonl.
    public static readonly JsonName Ppid = JsonName.Of("ppid");
    public static readonly JsonName Command = JsonName.Of("command");
    public static readonly JsonName CommandLine = JsonName.Of("command_line");
    public static readonly JsonName ExitStatus = JsonName.Of("exit_status");
    public static readonly JsonName Signal = JsonName.Of("signal");
    public static readonly JsonName UserTimeMs = JsonName.Of("user_time_ms");
    public static readonly JsonName SystemTimeMs = JsonName.Of("system_time_ms");
    public static readonly JsonName MaxRssKb = JsonName.Of("max_rss_kb");
    public static readonly JsonName Start = JsonName.Of("start");
    public static readonly JsonName Exit = JsonName.Of("exit");

    // dotnet_metrics.jsonl, dotnet_events.jsonl.
    public static readonly JsonName Meter = JsonName.Of("meter");
    public static readonly JsonName Instrument = JsonName.Of("instrument");
    public static readonly JsonName Value = JsonName.Of("value");
    public static readonly JsonName Unit = JsonName.Of("unit");
    public static readonly JsonName Sequence = JsonName.Of("sequence");
    public static readonly JsonName DurationMs = JsonName.Of("duration_ms");
    public static readonly JsonName Detail = JsonName.Of("detail");

    // cgroup_metrics.jsonl.
    public static readonly JsonName Version = JsonName.Of("version");
    public static readonly JsonName MemoryBytes = JsonName.Of("memory_bytes");
    public static readonly JsonName MemoryPeakBytes = JsonName.Of("memory_peak_bytes");
    public static readonly JsonName MemoryLimitBytes = JsonName.Of("memory_limit_bytes");

    // clock_anchors.jsonl.
    public static readonly JsonName Source = JsonName.Of("source");
    public static readonly JsonName Segment = JsonName.Of("segment");
    public static readonly JsonName RealtimeNs = JsonName.Of("realtime_ns");
    public static readonly JsonName MonotonicNs = JsonName.Of("monotonic_ns");
    public static readonly JsonName SyncState = JsonName.Of("sync_state");
    public static readonly JsonName ClockStatus = JsonName.Of("clock_status");
    public static readonly JsonName Unsynchronized = JsonName.Of("unsynchronized");
    public static readonly JsonName OffsetNs = JsonName.Of("offset_ns");
    public static readonly JsonName MaxErrorNs = JsonName.Of("maxerror_ns");
    public static readonly JsonName EstErrorNs = JsonName.Of("esterror_ns");
}
