using System.Diagnostics;
using System.Text.Json;
using Tracekit.Collector.Tests.Support;

namespace Tracekit.Collector.Tests.Cluster;

/// <summary>Runs the cluster commands against one Redis and reads what they report.</summary>
public sealed class ClusterHarness(RedisServer redis)
{
    public string[] RedisArgs => ["--redis", redis.Endpoint, "--redis-password-file", redis.PasswordFile];

    public (int Code, string Out, string Err) Tracekit(params string[] args) => TracekitBinary.Run(TimeSpan.FromSeconds(90), args);

    public JsonElement Status(string? runId = null)
    {
        var args = new List<string> { "cluster", "status", "--json" };
        args.AddRange(RedisArgs);
        if (runId is not null) { args.Add("--run-id"); args.Add(runId); }
        var (code, stdout, stderr) = Tracekit([.. args]);
        Assert.True(code == 0, $"cluster status exited {code}: {stderr}");
        using var doc = JsonDocument.Parse(stdout);
        return doc.RootElement.Clone();
    }

    /// <summary>Waits, by polling `cluster status`, until <paramref name="condition"/> holds; fails with the last status.</summary>
    public JsonElement WaitFor(string what, Func<JsonElement, bool> condition, TimeSpan timeout, string? runId = null)
    {
        var waited = Stopwatch.StartNew();
        JsonElement status;
        while (!condition(status = Status(runId)))
        {
            Assert.True(waited.Elapsed < timeout, $"timed out after {timeout.TotalSeconds:0} s waiting for {what}; last status: {status}");
            Thread.Sleep(250);
        }
        return status;
    }

    public static JsonElement Node(JsonElement status, string nodeId) =>
        status.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("node_id").GetString() == nodeId);

    /// <summary>A Redis field read with redis-cli (an independent client), the password in its environment.</summary>
    public string RedisGet(params string[] command)
    {
        using var p = Spawned.Start("redis-cli", ["-h", redis.Address, "-p", redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--raw", .. command],
            environment: new Dictionary<string, string> { ["REDISCLI_AUTH"] = redis.Password });
        Assert.Equal(0, p.WaitForExit(TimeSpan.FromSeconds(20)));
        return p.Stdout.Trim();
    }
}
