using Tracekit.Format;

namespace Tracekit.Dotnet.Parsing;

/// <summary>
/// `requests-lean`: pairs ASP.NET Core hosting's manifest RequestStart(method, path) and RequestStop() events by the
/// EventSource activity id (the TPL provider's TasksFlowActivityIds keyword makes it flow across awaits, so a
/// request that ends on another thread still pairs). Each pair becomes one invocation with method, path and times;
/// these events carry no status and no trace id, so the invocation has none (trace id "", span id made up from the
/// pid and a counter, unique within the node while the process lives).
/// </summary>
internal sealed class LeanRequests(NettraceTarget target, IRecordSink sink)
{
    private readonly Dictionary<Guid, (long StartNs, string? Method, string? Path)> _open = [];
    private ulong _sequence;

    public long Invocations { get; private set; }

    /// <summary>Requests started and not ended when the capture ended (in flight at the stop, or their stop was lost).</summary>
    public int Unfinished => _open.Count;

    public void OnStart(Guid activityId, long ns, string? method, string? path)
    {
        // Without an activity id (the TPL keyword off) a start cannot be paired reliably: skipped.
        if (activityId == Guid.Empty) return;
        _open[activityId] = (ns, string.IsNullOrEmpty(method) ? null : method, string.IsNullOrEmpty(path) ? null : path);
    }

    public void OnStop(Guid activityId, long ns)
    {
        // A stop without its start: the request began before the session did.
        if (!_open.Remove(activityId, out var start)) return;
        string spanId = (((ulong)(uint)target.Pid << 32) | (++_sequence & 0xFFFF_FFFF)).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        sink.Write(new InvocationStart
        {
            TimestampNs = (ulong)Math.Clamp(start.StartNs, 0, ns),
            TraceId = "",
            SpanId = spanId,
            ModuleId = target.Module,
            Method = start.Method,
            Path = start.Path,
            Pid = target.Pid,
            PidStartTicks = (long?)target.PidStartTicks,
            SampleRatio = 1.0,
        });
        sink.Write(new InvocationEnd { TimestampNs = (ulong)ns, TraceId = "", SpanId = spanId });
        Invocations++;
    }
}
