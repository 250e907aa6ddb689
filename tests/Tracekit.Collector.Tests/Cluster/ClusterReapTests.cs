using System.Diagnostics;
using System.Globalization;
using Tracekit.Collector.Tests.Support;

namespace Tracekit.Collector.Tests.Cluster;

/// <summary>
/// The reaper across a Redis restart, with a real agent and redis-server on loopback: an agent that is alive but
/// has not yet heartbeated on the restarted server (here: stopped with SIGSTOP while Redis was down, so its
/// liveness key and lease are gone) is not taken for lost; a node that really is lost is still reaped once the
/// restart grace has passed.
/// </summary>
[Collection("cluster")]
public sealed class ClusterReapTests
{
    private const string Run = "tk-reap";
    private const int GraceSeconds = 10; // Scheduler.RestartGraceMs

    [Fact]
    public void Reap_RedisRestartedAndAgentNotYetBack_RequeuesNothingUntilTheNodeIsReallyLost()
    {
        Assert.True(RedisServer.IsInstalled, "redis-server is missing: tools/test.sh installs it (Debian package redis-server)");
        using var dir = new TempDir("tk-cluster-reap");
        using var redis = new RedisServer(dir.Path, "127.0.0.1");
        var cluster = new ClusterHarness(redis);
        // setsid: the agent leads a process group with its job, so the group's SIGKILL is a lost node.
        using var agent = Spawned.Start("setsid", [.. TracekitBinary.Command, "agent", .. cluster.RedisArgs, "--node-id", "g1", "--out", dir.File("logs"), "--capacity-units", "1"]);
        try
        {
            cluster.WaitFor("the agent alive", s => s.GetProperty("nodes").EnumerateArray().Any(n => n.GetProperty("alive").GetBoolean()), TimeSpan.FromSeconds(30));
            var submit = cluster.Tracekit(["submit", .. cluster.RedisArgs, "--run-id", Run, "--", "sleep", "300"]);
            Assert.True(submit.Code == 0, submit.Err);
            string job = submit.Out.Trim();
            Drain(cluster);
            cluster.WaitFor("the job running", s => Jobs(s, "running") == 1, TimeSpan.FromSeconds(30), Run);

            agent.Signal(19); // SIGSTOP: alive, but silent
            redis.Restart(TimeSpan.FromSeconds(1));
            WaitUntil("the agent's liveness key and the job's lease expired", () => cluster.RedisGet("EXISTS", "tk:alive:g1") == "0" && cluster.RedisGet("EXISTS", "tk:lease:" + job) == "0");
            Drain(cluster);
            Assert.True(UptimeSeconds(cluster) < GraceSeconds, "the machine took longer than the restart grace to get here: nothing was tested");
            Assert.Equal(1, Jobs(cluster.Status(Run), "running"));
            Assert.Equal(job, cluster.RedisGet("LRANGE", "tk:proc:g1", "0", "-1"));

            agent.Signal(18); // SIGCONT: the agent reconnects and its heartbeat restores the lease
            WaitUntil("the agent's lease restored", () => cluster.RedisGet("EXISTS", "tk:lease:" + job) == "1");
            WaitUntil("the restart grace over", () => UptimeSeconds(cluster) > GraceSeconds);
            Drain(cluster);
            Assert.Equal(1, Jobs(cluster.Status(Run), "running"));

            KillGroup(agent.Pid);
            WaitUntil("the lost node's lease expired", () => cluster.RedisGet("EXISTS", "tk:alive:g1") == "0" && cluster.RedisGet("EXISTS", "tk:lease:" + job) == "0");
            Drain(cluster);
            var status = cluster.Status(Run);
            Assert.Equal(0, Jobs(status, "running"));
            Assert.Equal(1, Jobs(status, "queued"));
            Assert.StartsWith("g1 ", cluster.RedisGet("LRANGE", "tk:requeues:" + job, "0", "-1"), StringComparison.Ordinal);
            Assert.Equal("0", cluster.RedisGet("HGET", "tk:node:g1", "used"));
        }
        finally
        {
            if (!agent.HasExited)
            {
                agent.Signal(18);
                KillGroup(agent.Pid);
            }
        }
    }

    private static void Drain(ClusterHarness cluster)
    {
        var drain = cluster.Tracekit(["scheduler", .. cluster.RedisArgs, "--drain"]);
        Assert.True(drain.Code == 0, $"scheduler --drain exited {drain.Code}: {drain.Err}");
    }

    private static int Jobs(System.Text.Json.JsonElement status, string state) => status.GetProperty("jobs").GetProperty(state).GetInt32();

    private static int UptimeSeconds(ClusterHarness cluster)
    {
        string info = cluster.RedisGet("INFO", "server");
        string line = info.Split('\n').Single(l => l.StartsWith("uptime_in_seconds:", StringComparison.Ordinal));
        return int.Parse(line["uptime_in_seconds:".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    private static void KillGroup(int pgid)
    {
        using var kill = Spawned.Start("kill", ["-KILL", "--", $"-{pgid}"]);
        Assert.Equal(0, kill.WaitForExit(TimeSpan.FromSeconds(10)));
    }

    private static void WaitUntil(string what, Func<bool> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), $"timed out after 60 s waiting for {what}");
            Thread.Sleep(100);
        }
    }
}
