using System.Text.Json;

namespace Tracekit.Convert.Cctf;

/// <summary>
/// Property names of the CCTF files, pre-encoded once. The names of cctf-compat.md are binding (users' scripts read
/// them); the additions are documented in docs/cctf.md.
/// </summary>
internal static class CctfNames
{
    // Shared.
    public static readonly JsonEncodedText TsMs = JsonEncodedText.Encode("ts_ms");
    public static readonly JsonEncodedText Ts = JsonEncodedText.Encode("ts");
    public static readonly JsonEncodedText Node = JsonEncodedText.Encode("node");
    public static readonly JsonEncodedText NodeId = JsonEncodedText.Encode("node_id");
    public static readonly JsonEncodedText Stage = JsonEncodedText.Encode("stage");
    public static readonly JsonEncodedText Pid = JsonEncodedText.Encode("pid");
    public static readonly JsonEncodedText StartTicks = JsonEncodedText.Encode("start_ticks");
    public static readonly JsonEncodedText DtMs = JsonEncodedText.Encode("dt_ms");
    public static readonly JsonEncodedText CpuMs = JsonEncodedText.Encode("cpu_ms");
    public static readonly JsonEncodedText Event = JsonEncodedText.Encode("event");
    public static readonly JsonEncodedText Stream = JsonEncodedText.Encode("stream");

    // nodes.json, links.json.
    public static readonly JsonEncodedText CpuCores = JsonEncodedText.Encode("cpu_cores");
    public static readonly JsonEncodedText MemMb = JsonEncodedText.Encode("mem_mb");
    public static readonly JsonEncodedText CpuModel = JsonEncodedText.Encode("cpu_model");
    public static readonly JsonEncodedText CpuFreqMhz = JsonEncodedText.Encode("cpu_freq_mhz");
    public static readonly JsonEncodedText Hostname = JsonEncodedText.Encode("hostname");
    public static readonly JsonEncodedText Kernel = JsonEncodedText.Encode("kernel");
    public static readonly JsonEncodedText U = JsonEncodedText.Encode("u");
    public static readonly JsonEncodedText V = JsonEncodedText.Encode("v");
    public static readonly JsonEncodedText BwBps = JsonEncodedText.Encode("BW_bps");
    public static readonly JsonEncodedText PrS = JsonEncodedText.Encode("PR_s");

    // host_metrics.jsonl, link_metrics.jsonl.
    public static readonly JsonEncodedText CpuUtil = JsonEncodedText.Encode("cpu_util");
    public static readonly JsonEncodedText MemFreeMb = JsonEncodedText.Encode("mem_free_mb");
    public static readonly JsonEncodedText Link = JsonEncodedText.Encode("link");
    public static readonly JsonEncodedText RxBps = JsonEncodedText.Encode("rx_Bps");
    public static readonly JsonEncodedText TxBps = JsonEncodedText.Encode("tx_Bps");

    // proc_*.jsonl.
    public static readonly JsonEncodedText RssKb = JsonEncodedText.Encode("rss_kb");

    // invocations.jsonl.
    public static readonly JsonEncodedText TraceId = JsonEncodedText.Encode("trace_id");
    public static readonly JsonEncodedText SpanId = JsonEncodedText.Encode("span_id");
    public static readonly JsonEncodedText ParentId = JsonEncodedText.Encode("parent_id");
    public static readonly JsonEncodedText ModuleId = JsonEncodedText.Encode("module_id");
    public static readonly JsonEncodedText InstanceId = JsonEncodedText.Encode("instance_id");
    public static readonly JsonEncodedText TsEnqueue = JsonEncodedText.Encode("ts_enqueue");
    public static readonly JsonEncodedText TsStart = JsonEncodedText.Encode("ts_start");
    public static readonly JsonEncodedText TsEnd = JsonEncodedText.Encode("ts_end");
    public static readonly JsonEncodedText Method = JsonEncodedText.Encode("method");
    public static readonly JsonEncodedText Path = JsonEncodedText.Encode("path");
    public static readonly JsonEncodedText BytesIn = JsonEncodedText.Encode("bytes_in");
    public static readonly JsonEncodedText BytesOut = JsonEncodedText.Encode("bytes_out");
    public static readonly JsonEncodedText CpuTimeMs = JsonEncodedText.Encode("cpu_time_ms");
    public static readonly JsonEncodedText QueueTimeMs = JsonEncodedText.Encode("queue_time_ms");
    public static readonly JsonEncodedText ServiceTimeMs = JsonEncodedText.Encode("service_time_ms");
    public static readonly JsonEncodedText RtMs = JsonEncodedText.Encode("rt_ms");
    public static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    public static readonly JsonEncodedText Input = JsonEncodedText.Encode("input");
    public static readonly JsonEncodedText Output = JsonEncodedText.Encode("output");
    public static readonly JsonEncodedText Cpuset = JsonEncodedText.Encode("cpuset");
    public static readonly JsonEncodedText Cgroup = JsonEncodedText.Encode("cgroup");
    public static readonly JsonEncodedText PidStartTicks = JsonEncodedText.Encode("pid_start_ticks");
    public static readonly JsonEncodedText PeakRssKb = JsonEncodedText.Encode("peak_rss_kb");

    // placement_events.jsonl.
    public static readonly JsonEncodedText AppId = JsonEncodedText.Encode("app_id");

    // process_events.jsonl.
    public static readonly JsonEncodedText Ppid = JsonEncodedText.Encode("ppid");
    public static readonly JsonEncodedText Command = JsonEncodedText.Encode("command");
    public static readonly JsonEncodedText CommandLine = JsonEncodedText.Encode("command_line");
    public static readonly JsonEncodedText ExitStatus = JsonEncodedText.Encode("exit_status");
    public static readonly JsonEncodedText Signal = JsonEncodedText.Encode("signal");
    public static readonly JsonEncodedText UserTimeMs = JsonEncodedText.Encode("user_time_ms");
    public static readonly JsonEncodedText SystemTimeMs = JsonEncodedText.Encode("system_time_ms");
    public static readonly JsonEncodedText MaxRssKb = JsonEncodedText.Encode("max_rss_kb");
    public static readonly JsonEncodedText Start = JsonEncodedText.Encode("start");
    public static readonly JsonEncodedText Exit = JsonEncodedText.Encode("exit");

    // dotnet_metrics.jsonl, dotnet_events.jsonl.
    public static readonly JsonEncodedText Meter = JsonEncodedText.Encode("meter");
    public static readonly JsonEncodedText Instrument = JsonEncodedText.Encode("instrument");
    public static readonly JsonEncodedText Value = JsonEncodedText.Encode("value");
    public static readonly JsonEncodedText Unit = JsonEncodedText.Encode("unit");
    public static readonly JsonEncodedText Sequence = JsonEncodedText.Encode("sequence");
    public static readonly JsonEncodedText DurationMs = JsonEncodedText.Encode("duration_ms");
    public static readonly JsonEncodedText Detail = JsonEncodedText.Encode("detail");

    // cgroup_metrics.jsonl.
    public static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
    public static readonly JsonEncodedText MemoryBytes = JsonEncodedText.Encode("memory_bytes");
    public static readonly JsonEncodedText MemoryPeakBytes = JsonEncodedText.Encode("memory_peak_bytes");
    public static readonly JsonEncodedText MemoryLimitBytes = JsonEncodedText.Encode("memory_limit_bytes");

    // clock_anchors.jsonl.
    public static readonly JsonEncodedText Source = JsonEncodedText.Encode("source");
    public static readonly JsonEncodedText Segment = JsonEncodedText.Encode("segment");
    public static readonly JsonEncodedText RealtimeNs = JsonEncodedText.Encode("realtime_ns");
    public static readonly JsonEncodedText MonotonicNs = JsonEncodedText.Encode("monotonic_ns");
    public static readonly JsonEncodedText SyncState = JsonEncodedText.Encode("sync_state");
    public static readonly JsonEncodedText ClockStatus = JsonEncodedText.Encode("clock_status");
    public static readonly JsonEncodedText Unsynchronized = JsonEncodedText.Encode("unsynchronized");
    public static readonly JsonEncodedText OffsetNs = JsonEncodedText.Encode("offset_ns");
    public static readonly JsonEncodedText MaxErrorNs = JsonEncodedText.Encode("maxerror_ns");
    public static readonly JsonEncodedText EstErrorNs = JsonEncodedText.Encode("esterror_ns");
}
