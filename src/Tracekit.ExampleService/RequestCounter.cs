namespace Tracekit.ExampleService;

/// <summary>
/// Counts the requests whose handler completed (the response was produced), by path, and serves the counts at
/// <c>GET /stats</c> (one line per path: <c>/work 2000</c>); /stats itself is not counted. Enabled only with
/// TRACEKIT_EXAMPLE_COUNT_REQUESTS=1: the tests compare it with the invocations tracing recorded (a load
/// generator's own count misses the requests in flight when it stops; the service's does not).
/// </summary>
internal static class RequestCounter
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> s_completed = new(StringComparer.Ordinal);

    public static void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            await next(context);
            string path = context.Request.Path.Value ?? "";
            if (path != "/stats") s_completed.AddOrUpdate(path, 1, static (_, n) => n + 1);
        });
        app.MapGet("/stats", () => string.Concat(s_completed.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}\n")));
    }
}
