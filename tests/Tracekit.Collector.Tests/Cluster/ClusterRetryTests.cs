using Tracekit.Collector.Tests.Support;

namespace Tracekit.Collector.Tests.Cluster;

/// <summary>
/// Failed jobs on a real agent and scheduler (one node on loopback, no namespaces needed): a non-zero exit is
/// recorded as failed, and runs again only as often as --retries allows.
/// </summary>
[Collection("cluster")]
public sealed class ClusterRetryTests
{
    [Fact]
    public void Agent_JobExitsNonZero_FailedOnceWithoutRetriesAndRetriedUpToRetries()
    {
        Assert.True(RedisServer.IsInstalled, "redis-server is missing: tools/test.sh installs it (Debian package redis-server)");
        using var dir = new TempDir("tk-cluster-retry");
        using var redis = new RedisServer(dir.Path, "127.0.0.1");
        var cluster = new ClusterHarness(redis);
        using var agent = TracekitBinary.Start(["agent", .. cluster.RedisArgs, "--node-id", "solo", "--out", dir.File("logs"), "--capacity-units", "2"]);
        using var scheduler = TracekitBinary.Start(["scheduler", .. cluster.RedisArgs]);
        cluster.WaitFor("the agent alive", s => s.GetProperty("nodes").EnumerateArray().Any(n => n.GetProperty("alive").GetBoolean()), TimeSpan.FromSeconds(30));

        var once = cluster.Tracekit(["submit", .. cluster.RedisArgs, "--run-id", "retry", "--", "sh", "-c", "exit 3"]);
        var retried = cluster.Tracekit(["submit", .. cluster.RedisArgs, "--run-id", "retry", "--retries", "2", "--", "false"]);
        var ok = cluster.Tracekit(["submit", .. cluster.RedisArgs, "--run-id", "retry", "--retries", "2", "--", "true"]);
        Assert.True(once.Code == 0 && retried.Code == 0 && ok.Code == 0, once.Err + retried.Err + ok.Err);

        var status = cluster.WaitFor("three jobs ended", s => s.GetProperty("jobs").GetProperty("failed").GetInt32() + s.GetProperty("jobs").GetProperty("completed").GetInt32() == 3,
            TimeSpan.FromSeconds(60), "retry");
        Assert.Equal(2, status.GetProperty("jobs").GetProperty("failed").GetInt32());
        Assert.Equal(1, status.GetProperty("jobs").GetProperty("completed").GetInt32());
        Assert.Equal("1", cluster.RedisGet("HGET", "tk:job:" + once.Out.Trim(), "attempts"));
        Assert.Equal("3", cluster.RedisGet("HGET", "tk:job:" + once.Out.Trim(), "exit"));
        Assert.Equal("3", cluster.RedisGet("HGET", "tk:job:" + retried.Out.Trim(), "attempts")); // the first run and two retries
        Assert.Equal("1", cluster.RedisGet("HGET", "tk:job:" + ok.Out.Trim(), "attempts"));
        Assert.Equal("0", cluster.RedisGet("HGET", "tk:node:solo", "used")); // every attempt released its units

        agent.Signal(15);
        Assert.Equal(0, agent.WaitForExit(TimeSpan.FromSeconds(30)));
    }
}
