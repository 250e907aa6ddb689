using StackExchange.Redis;

namespace Tracekit.Cluster;

/// <summary>
/// The central FIFO scheduler. Woken by pub/sub (a job queued, capacity freed), it runs the placement script
/// until it places nothing more; once a second (the lease's resolution) it runs the reaper, which requeues the
/// jobs of dead agents. Any number may run at once: each placement is one atomic script, so they can only
/// share work, never over-commit a node.
/// </summary>
public sealed class Scheduler(ClusterClient client, string weigher, bool backfill, TextWriter log)
{
    public const int Batch = 64;
    public const int BackfillWindow = 256;
    public const int ReapEveryMs = 1000;
    /// <summary>
    /// How long after a Redis (re)start nothing is reaped: liveness keys that expired during the outage must not
    /// count, and an agent reconnects within its retry period (1 s) plus a connect timeout (3 s). Ten seconds
    /// leaves a loaded node room; the price is that a node that died during the outage is reaped that much later.
    /// </summary>
    public const int RestartGraceMs = 10_000;

    public long Placed { get; private set; }

    public void Run(WaitHandle stop)
    {
        using var wake = new AutoResetEvent(true);
        client.Connection.Subscriber.Subscribe(RedisChannel.Literal(ClusterKeys.SchedulerWake), (_, _) => wake.Set());
        long nextReapMs = 0;
        bool away = false;
        while (!stop.WaitOne(0))
        {
            try
            {
                if (Environment.TickCount64 >= nextReapMs)
                {
                    long requeued = client.Reap(RestartGraceMs);
                    if (requeued > 0) log.WriteLine($"tracekit scheduler: requeued {requeued} job(s) of lost leases");
                    nextReapMs = Environment.TickCount64 + ReapEveryMs;
                }
                PlaceAll();
                if (away) log.WriteLine("tracekit scheduler: Redis is reachable again");
                away = false;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                if (!away) log.WriteLine("tracekit scheduler: Redis is away; retrying");
                away = true;
            }
            WaitHandle.WaitAny([wake, stop], ReapEveryMs);
        }
    }

    /// <summary>Places until a round places less than a full batch: the queue is empty or nothing fits.</summary>
    public int PlaceAll()
    {
        int total = 0;
        while (true)
        {
            int n = client.Place(weigher, backfill, Batch, BackfillWindow).Count;
            total += n;
            Placed += n;
            if (n < Batch) return total;
        }
    }
}
