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
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void Reap_RedisRestartedAndAgentNotYetBack_RequeuesNothingUntilTheNodeIsReallyLost()
    {
        Assert.True(RedisServer.IsInstalled, "redis-server is missing: tools/test.sh installs it (Debian package redis-server)");
        using var dir = new TempDir("tk-cluster-reap");
        using var redis = new RedisServer(dir.Path, "127.0.0.1");
        var cluster = new ClusterHarness(redis);
        using var agent = StartAgent(cluster, dir, "g1");
        try
        {
            string job = SubmitAndRun(cluster, "sleep", "300");

            agent.Signal(19); // SIGSTOP: alive, but silent
            redis.Restart(TimeSpan.FromSeconds(1));
            Proc.WaitForOrFail(() => cluster.RedisGet("EXISTS", "tk:alive:g1") == "0" && cluster.RedisGet("EXISTS", "tk:lease:" + job) == "0", Timeout, "the agent's liveness key and the job's lease expired");
            Drain(cluster);
            Assert.True(UptimeSeconds(cluster) < GraceSeconds, "the machine took longer than the restart grace to get here: nothing was tested");
            Assert.Equal(1, Jobs(cluster.Status(Run), "running"));
            Assert.Equal(job, cluster.RedisGet("LRANGE", "tk:proc:g1", "0", "-1"));

            agent.Signal(18); // SIGCONT: the agent reconnects and its heartbeat restores the lease
            Proc.WaitForOrFail(() => cluster.RedisGet("EXISTS", "tk:lease:" + job) == "1", Timeout, "the agent's lease restored");
            Proc.WaitForOrFail(() => UptimeSeconds(cluster) > GraceSeconds, Timeout, "the restart grace over");
            Drain(cluster);
            Assert.Equal(1, Jobs(cluster.Status(Run), "running"));

            ClusterTests.KillGroup(agent.Pid);
            Proc.WaitForOrFail(() => cluster.RedisGet("EXISTS", "tk:alive:g1") == "0" && cluster.RedisGet("EXISTS", "tk:lease:" + job) == "0", Timeout, "the lost node's lease expired");
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
                ClusterTests.KillGroup(agent.Pid);
            }
        }
    }

    [Fact]
    public void Agent_ItsJobRequeuedWhileItWasSilent_StopsTheAttemptAndTheJobWaitsForItsNext()
    {
        Assert.True(RedisServer.IsInstalled, "redis-server is missing: tools/test.sh installs it (Debian package redis-server)");
        using var dir = new TempDir("tk-cluster-fence");
        using var redis = new RedisServer(dir.Path, "127.0.0.1");
        var cluster = new ClusterHarness(redis);
        using var agent = StartAgent(cluster, dir, "f1");
        try
        {
            // Its first attempt sleeps; the next one, once the marker exists, ends at once.
            string marker = dir.File("second-attempt");
            string job = SubmitAndRun(cluster, "sh", "-c", "[ -e \"$0\" ] && exit 0; exec sleep 300", marker);
            int sleepPid = 0;
            Proc.WaitForOrFail(() => (sleepPid = Descendants(agent.Pid).FirstOrDefault(p => Comm(p) == "sleep")) != 0, Timeout, "the job's sleep process");
            Proc.WaitForOrFail(() => UptimeSeconds(cluster) > GraceSeconds, Timeout, "the restart grace over");

            agent.Signal(19); // SIGSTOP: its lease lapses while its job runs on
            Proc.WaitForOrFail(() => cluster.RedisGet("EXISTS", "tk:alive:f1") == "0" && cluster.RedisGet("EXISTS", "tk:lease:" + job) == "0", Timeout, "the silent node's lease expired");
            Drain(cluster);
            Assert.Equal(1, Jobs(cluster.Status(Run), "queued"));
            Assert.True(Directory.Exists($"/proc/{sleepPid}"), "the attempt ended before the agent could learn of the requeue: nothing was tested");

            agent.Signal(18); // SIGCONT: its next heartbeat learns the job was taken back
            Proc.WaitForOrFail(() => !Directory.Exists($"/proc/{sleepPid}"), Timeout, "the taken-back attempt stopped");
            Proc.WaitForOrFail(() => cluster.RedisGet("HGET", "tk:node:f1", "jobs_done") == "1", Timeout, "the attempt's end reported");
            var status = cluster.Status(Run);
            Assert.Equal(1, Jobs(status, "queued")); // abandoned, not failed: the job waits for its next attempt
            Assert.Equal(0, Jobs(status, "failed"));
            Assert.Equal("0", cluster.RedisGet("HGET", "tk:node:f1", "used"));
            Assert.Contains($"job {job} was taken back", agent.Stderr, StringComparison.Ordinal);

            // Its next attempt, on the same node, completes; the dataset has one task for the job: the abandoned
            // attempt's invocation (ended by SIGTERM) is not one.
            File.WriteAllText(marker, "");
            Drain(cluster);
            cluster.WaitFor("the job completed", s => Jobs(s, "completed") == 1, TimeSpan.FromSeconds(30), Run);
            agent.Signal(15);
            Assert.Equal(0, agent.WaitForExit(TimeSpan.FromSeconds(30)));
            string runDir = Path.Combine(dir.File("logs"), Run);
            ClusterTests.Converter("opendc", "--run-dir", runDir, "--out", Path.Combine(runDir, "opendc"), "--tasks", "invocations");
            string report = File.ReadAllText(Path.Combine(runDir, "opendc", "conversion_report.md"));
            Assert.True(report.Contains("- tasks: 1,", StringComparison.Ordinal), report);
        }
        finally
        {
            if (!agent.HasExited)
            {
                agent.Signal(18);
                ClusterTests.KillGroup(agent.Pid);
            }
        }
    }

    private static IEnumerable<int> Descendants(int pid)
    {
        string children = Path.Combine("/proc", pid.ToString(CultureInfo.InvariantCulture), "task", pid.ToString(CultureInfo.InvariantCulture), "children");
        string text;
        try { text = File.ReadAllText(children); }
        catch (IOException) { yield break; }
        foreach (var child in text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture)))
        {
            yield return child;
            foreach (var d in Descendants(child)) yield return d;
        }
    }

    private static string Comm(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim(); }
        catch (IOException) { return ""; }
    }

    /// <summary>setsid: the agent leads a process group with its jobs, so the group's SIGKILL is a lost node. Waits until it is alive.</summary>
    private static Spawned StartAgent(ClusterHarness cluster, TempDir dir, string nodeId)
    {
        var agent = Spawned.Start("setsid", [.. TracekitBinary.Command, "agent", .. cluster.RedisArgs, "--node-id", nodeId, "--out", dir.File("logs"), "--capacity-units", "1"]);
        try
        {
            cluster.WaitFor("the agent alive", s => s.GetProperty("nodes").EnumerateArray().Any(n => n.GetProperty("alive").GetBoolean()), TimeSpan.FromSeconds(30));
            return agent;
        }
        catch
        {
            agent.Dispose();
            throw;
        }
    }

    /// <summary>Submits one job, places it with a scheduler pass and waits until the agent runs it; returns its id.</summary>
    private static string SubmitAndRun(ClusterHarness cluster, params string[] argv)
    {
        var submit = cluster.Tracekit(["submit", .. cluster.RedisArgs, "--run-id", Run, "--", .. argv]);
        Assert.True(submit.Code == 0, submit.Err);
        Drain(cluster);
        cluster.WaitFor("the job running", s => Jobs(s, "running") == 1, TimeSpan.FromSeconds(30), Run);
        return submit.Out.Trim();
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
}
