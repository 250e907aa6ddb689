using Tracekit.Convert.Reading;

namespace Tracekit.Convert.Opendc;

/// <summary>
/// CPU for request invocations (an invocation with a PID that is not a `tracekit run` job: imported nginx requests,
/// requests logged by a service). A request has no CPU counter of its own; the process that served it has one.
/// Between two readings of that process, its CPU is taken as spread evenly over the interval, and each request
/// gets the CPU of the time it was in flight in it: share = ΔCPU × in-flight time / max(interval, Σ in-flight
/// times), so requests that overlap split the interval and never get more than the process used. CPU of the time
/// no request was in flight is unattributed, and counted (docs/opendc.md, "Requests"). A request recorded at sample
/// ratio r stands for 1 / r requests in flight: it weighs 1 / r in Σ in-flight times, so it gets the share of one
/// request, and the figures count the CPU of the requests it stands for.
/// An invocation whose parent span is an open request of the same process (or is nested in one), such as the
/// HttpClient call a .NET request makes, is that request's work: it is no task of its own and takes no share.
/// </summary>
internal sealed class RequestCpuAttribution(TaskTableBuilder builder, string nodeId, Func<double> mhz, Func<int> cores, SampledTaskCopies copies)
{
    private sealed class Request
    {
        public required string Name;
        public required long SubmissionMs;
        public required long StartNs;
        public required TaskSeries Series;
        public long EndNs; // 0 while in flight
        public long AttributedCpuNs;
        public double SampleRatio = 1;
    }

    private sealed class Server
    {
        public string? Stream;
        public long LastReadingNs;
        public long LastCpuNs;
        public readonly List<Request> Requests = new();
        public bool EverServed;
    }

    private const long MinInFlightNs = 1_000_000;
    private readonly Dictionary<int, Server> _servers = new();
    private readonly Dictionary<(string, string), (Request Request, Server Server)> _open = new();
    /// <summary>Open invocations nested in an open request of the same process, with that process.</summary>
    private readonly Dictionary<(string, string), Server> _nested = new();

    /// <summary>Request invocations made tasks.</summary>
    public long Requests { get; private set; }

    /// <summary>Invocations nested in a request of their process (its outgoing calls): part of its task.</summary>
    public long NestedInvocations { get; private set; }

    /// <summary>Requests on a process that was never sampled: they are tasks without CPU.</summary>
    public long RequestsWithoutReadings { get; private set; }

    /// <summary>CPU given to requests (a sampled one's share counted for each request it stands for).</summary>
    public long AttributedCpuNs { get; private set; }

    /// <summary>CPU of the serving processes in reading intervals with a request in flight.</summary>
    public long InFlightIntervalCpuNs { get; private set; }

    /// <summary>CPU of the serving processes, once they served a request, in intervals with none in flight.</summary>
    public long IdleCpuNs { get; private set; }

    public void OnStart(int pid, string traceId, string spanId, string? parentId, string name, long startNs, long submissionMs, double sampleRatio)
    {
        var server = Serving(pid);
        if (IsNestedIn(server, traceId, parentId))
        {
            _nested[(traceId, spanId)] = server;
            NestedInvocations++;
            return;
        }
        server.EverServed = true;
        var request = new Request { Name = name, SubmissionMs = submissionMs, StartNs = startNs, Series = new TaskSeries(startNs, 0, mhz(), builder.Spill), SampleRatio = sampleRatio is > 0 and < 1 ? sampleRatio : 1 };
        server.Requests.Add(request);
        _open[(traceId, spanId)] = (request, server);
        Requests++;
    }

    private bool IsNestedIn(Server server, string traceId, string? parentId)
    {
        if (string.IsNullOrEmpty(traceId) || string.IsNullOrEmpty(parentId)) return false;
        if (_open.TryGetValue((traceId, parentId), out var parent)) return parent.Server == server;
        return _nested.TryGetValue((traceId, parentId), out var outer) && outer == server;
    }

    public bool TryEnd(string traceId, string spanId, long endNs)
    {
        if (_nested.Remove((traceId, spanId))) return true;
        if (!_open.Remove((traceId, spanId), out var open)) return false;
        // Settled at the process's next reading, which brings the CPU of the interval the request ended in. In
        // flight for at least 1 ms, its task's shortest length: logs in ms (nginx's $request_time) write a request
        // served in under a millisecond as 0, and it did use the CPU.
        open.Request.EndNs = Math.Max(endNs, open.Request.StartNs + MinInFlightNs);
        return true;
    }

    public void OnReading(StreamCursor r, int pid, long cumulativeCpuNs)
    {
        var server = Serving(pid);
        server.Stream ??= r.Stream.Name;
        // One process, one counter: a second stream sampling it would replay the same CPU.
        if (server.Stream != r.Stream.Name) return;
        long nowNs = r.EpochNs;
        if (server.LastReadingNs != 0 && nowNs > server.LastReadingNs)
            Settle(server, server.LastReadingNs, nowNs, Math.Max(0, cumulativeCpuNs - server.LastCpuNs));
        if (nowNs >= server.LastReadingNs)
        {
            server.LastReadingNs = nowNs;
            server.LastCpuNs = Math.Max(server.LastCpuNs, cumulativeCpuNs);
        }
    }

    private void Settle(Server server, long fromNs, long toNs, long deltaCpuNs)
    {
        double inFlightNs = 0;
        foreach (var q in server.Requests) inFlightNs += InFlight(q, fromNs, toNs) / q.SampleRatio;
        if (inFlightNs == 0)
        {
            if (server.EverServed) IdleCpuNs += deltaCpuNs;
        }
        else
        {
            InFlightIntervalCpuNs += deltaCpuNs;
            double perNs = (double)deltaCpuNs / Math.Max(toNs - fromNs, inFlightNs);
            foreach (var q in server.Requests)
            {
                long share = (long)Math.Round(perNs * InFlight(q, fromNs, toNs));
                q.AttributedCpuNs += share;
                AttributedCpuNs += (long)Math.Round(share / q.SampleRatio);
                long readingNs = q.EndNs != 0 ? Math.Min(toNs, q.EndNs) : toNs;
                if (readingNs > q.StartNs) q.Series.Add(readingNs, q.AttributedCpuNs);
            }
        }
        for (int i = server.Requests.Count - 1; i >= 0; i--)
        {
            var q = server.Requests[i];
            if (q.EndNs == 0 || q.EndNs > toNs) continue;
            server.Requests.RemoveAt(i);
            Complete(q);
        }
    }

    private static long InFlight(Request q, long fromNs, long toNs) =>
        Math.Max(0, Math.Min(toNs, q.EndNs != 0 ? q.EndNs : toNs) - Math.Max(fromNs, q.StartNs));

    private void Complete(Request q, bool sampled = true)
    {
        if (!sampled) RequestsWithoutReadings++;
        q.Series.End(Math.Max(q.EndNs, q.StartNs), q.AttributedCpuNs);
        builder.Complete(q.Series, q.Name, nodeId, q.SubmissionMs, mhz(), cores(), 0, copies.For(q.SampleRatio));
    }

    /// <summary>Requests still waiting for a reading (the collection ended first) keep the CPU they have.</summary>
    public void Finish()
    {
        foreach (var server in _servers.Values)
        {
            foreach (var q in server.Requests)
            {
                if (q.EndNs == 0) q.EndNs = Math.Max(q.StartNs, server.LastReadingNs);
                Complete(q, sampled: server.LastReadingNs != 0);
            }
            server.Requests.Clear();
        }
        _open.Clear();
        _nested.Clear();
    }

    private Server Serving(int pid)
    {
        if (!_servers.TryGetValue(pid, out var server)) _servers[pid] = server = new Server();
        return server;
    }
}
