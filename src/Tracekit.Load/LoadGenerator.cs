using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Tracekit.Contracts;
using Tracekit.Format;

namespace Tracekit.Load;

/// <summary>
/// An open-loop load generator: request i is due at start + i / rate whatever happened to earlier requests, and
/// its latency is measured from that due time, so a slow target cannot hide its slowness by slowing the sender
/// (no coordinated omission). Every request carries a fresh W3C traceparent; with a sink, each request becomes a
/// client-side invocation (InvocationStart at the send with enqueueNs = the due time, InvocationEnd at the end of
/// the response) that joins the server's invocation on trace_id.
/// </summary>
public sealed class LoadGenerator : IDisposable
{
    /// <summary>Below this the scheduler spins instead of sleeping: Thread.Sleep overshoots by about a millisecond.</summary>
    private const ulong SpinThresholdNs = 1_500_000;

    private readonly LoadOptions _options;
    private readonly IRecordSink? _sink;
    private readonly HttpClient _client;
    private readonly LatencyHistogram _latency = new();
    private readonly ConcurrentDictionary<int, long> _statuses = new();
    private readonly string[] _paths;
    private long _inFlight;
    private long _sent;
    private long _notSent;
    private long _completed;
    private long _errors;
    private long _recordsWritten;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LoadGenerator(LoadOptions options, IRecordSink? sink = null)
    {
        options.Validate();
        _options = options;
        _sink = sink;
        _paths = options.Urls.Select(u => u.AbsolutePath).ToArray();
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Connections,
            AllowAutoRedirect = false, // only the given addresses are ever contacted
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.RequestTimeout,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            // The generator writes its own traceparent; the handler must not replace it with one of its own.
            ActivityHeadersPropagator = null,
        };
        _client = new HttpClient(handler) { Timeout = options.RequestTimeout };
    }

    /// <summary>Runs for the configured duration, then waits for outstanding requests (at most the request timeout).</summary>
    public async Task<LoadReport> RunAsync(CancellationToken cancel = default)
    {
        long periodNs = (long)Math.Max(1, 1e9 / _options.RatePerSecond);
        long total = (long)Math.Floor(_options.DurationNs / 1e9 * _options.RatePerSecond);
        ulong startNs = Monotonic.NowNs();
        Interlocked.Increment(ref _inFlight); // the scheduler's own hold: the drain completes only after it ends
        var scheduler = new Thread(() => Schedule(startNs, periodNs, total, cancel)) { IsBackground = true, Name = "tracekit-load" };
        scheduler.Start();
        await Task.Run(scheduler.Join, CancellationToken.None).ConfigureAwait(false);
        Release();
        await _drained.Task.WaitAsync(_options.RequestTimeout + TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        long elapsedNs = (long)(Monotonic.NowNs() - startNs);
        return new LoadReport(
            Scheduled: Volatile.Read(ref _sent) + Volatile.Read(ref _notSent),
            Sent: Volatile.Read(ref _sent),
            NotSent: Volatile.Read(ref _notSent),
            Completed: Volatile.Read(ref _completed),
            Errors: Volatile.Read(ref _errors),
            ElapsedNs: elapsedNs,
            StatusCounts: new SortedDictionary<int, long>(_statuses),
            P50Ns: _latency.PercentileNs(50),
            P90Ns: _latency.PercentileNs(90),
            P99Ns: _latency.PercentileNs(99),
            P999Ns: _latency.PercentileNs(99.9),
            MaxNs: _latency.MaxNs,
            RecordsWritten: Volatile.Read(ref _recordsWritten));
    }

    private void Schedule(ulong startNs, long periodNs, long total, CancellationToken cancel)
    {
        for (long i = 0; i < total && !cancel.IsCancellationRequested; i++)
        {
            ulong dueNs = startNs + (ulong)(i * periodNs);
            ulong nowNs = Monotonic.NowNs();
            if (dueNs > nowNs + SpinThresholdNs) Thread.Sleep(TimeSpan.FromTicks((long)(dueNs - nowNs - SpinThresholdNs) / 100));
            while (Monotonic.NowNs() < dueNs) Thread.SpinWait(20);
            // A late scheduler sends what is due at once; the lateness is part of each request's latency.
            if (Interlocked.Read(ref _inFlight) > _options.MaxInFlight)
            {
                Interlocked.Increment(ref _notSent);
                continue;
            }
            Interlocked.Increment(ref _inFlight);
            Interlocked.Increment(ref _sent);
            int target = (int)(i % _options.Urls.Count);
            _ = SendAsync(target, dueNs);
        }
    }

    private async Task SendAsync(int target, ulong dueNs)
    {
        string traceId = ActivityTraceId.CreateRandom().ToHexString();
        string spanId = ActivitySpanId.CreateRandom().ToHexString();
        int? status = null;
        long bytesIn = 0;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _options.Urls[target]);
            request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-{spanId}-01");
            WriteStart(traceId, spanId, target, dueNs);
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            status = (int)response.StatusCode;
            bytesIn = await Drain(await response.Content.ReadAsStreamAsync().ConfigureAwait(false)).ConfigureAwait(false);
            ulong endNs = Monotonic.NowNs();
            _latency.Record((long)(endNs - dueNs));
            Interlocked.Increment(ref _completed);
            _statuses.AddOrUpdate(status.Value, 1, static (_, n) => n + 1);
            WriteEnd(traceId, spanId, endNs, status, bytesIn);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            // A failed request gets an end without status, so the converter shows it as an error, not as lost.
            Interlocked.Increment(ref _errors);
            WriteEnd(traceId, spanId, Monotonic.NowNs(), null, null);
        }
        finally
        {
            Release();
        }
    }

    private void Release()
    {
        // Interlocked: the last completion (or the scheduler's end, whichever is later) signals the drain.
        if (Interlocked.Decrement(ref _inFlight) == 0) _drained.TrySetResult();
    }

    private static async Task<long> Drain(Stream body)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            long total = 0;
            int n;
            while ((n = await body.ReadAsync(buffer).ConfigureAwait(false)) > 0) total += n;
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            await body.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void WriteStart(string traceId, string spanId, int target, ulong dueNs)
    {
        if (_sink is null) return;
        _sink.Write(new InvocationStart
        {
            TimestampNs = Monotonic.NowNs(),
            TraceId = traceId,
            SpanId = spanId,
            ModuleId = "tracekit-load",
            EnqueueNs = (long)dueNs,
            Method = "GET",
            Path = _paths[target],
            // No Pid: the request's work runs in the server, not here. A client record with the load generator's
            // PID would make each request an OpenDC task measured by the load generator's CPU (invocations mode
            // turns every invocation with a PID into a task); the stream folder already names this process.
        });
        Interlocked.Increment(ref _recordsWritten);
    }

    private void WriteEnd(string traceId, string spanId, ulong endNs, int? status, long? bytesOut)
    {
        if (_sink is null) return;
        _sink.Write(new InvocationEnd { TimestampNs = endNs, TraceId = traceId, SpanId = spanId, Status = status, BytesOut = bytesOut });
        Interlocked.Increment(ref _recordsWritten);
    }

    public void Dispose() => _client.Dispose();
}
