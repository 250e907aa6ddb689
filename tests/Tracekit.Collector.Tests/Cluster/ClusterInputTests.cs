using Tracekit.Collector.Tests.Support;

namespace Tracekit.Collector.Tests.Cluster;

/// <summary>Bad input to the cluster commands: a sentence naming the input and the fix, an exit code, nothing queued.</summary>
[Collection("cluster")]
public sealed class ClusterInputTests : IDisposable
{
    private readonly TempDir _dir = new("tk-cluster-input");
    private readonly RedisServer _redis;
    private readonly ClusterHarness _cluster;

    public ClusterInputTests()
    {
        Assert.True(RedisServer.IsInstalled, "redis-server is missing: tools/test.sh installs it (Debian package redis-server)");
        _redis = new RedisServer(_dir.Path, "127.0.0.1");
        _cluster = new ClusterHarness(_redis);
    }

    [Fact]
    public void Submit_RedisUnreachable_ExitsRedisUnreachableNamingTheAddress()
    {
        var (code, _, err) = _cluster.Tracekit("submit", "--redis", "127.0.0.1:1", "--redis-password-file", _redis.PasswordFile, "--run-id", "r", "--", "true");
        Assert.Equal(20, code);
        Assert.Contains("127.0.0.1:1 cannot be reached", err);
    }

    [Fact]
    public void Agent_RedisUnreachable_ExitsRedisUnreachable()
    {
        var (code, _, err) = _cluster.Tracekit("agent", "--redis", "127.0.0.1:1", "--node-id", "x", "--out", _dir.File("logs"));
        Assert.Equal(20, code);
        Assert.Contains("cannot be reached", err);
    }

    [Fact]
    public void Submit_WrongPassword_ExitsAuthFailedWithoutEchoingIt()
    {
        File.WriteAllText(_dir.File("wrong"), "not-the-password\n");
        var (code, _, err) = _cluster.Tracekit("submit", "--redis", _redis.Endpoint, "--redis-password-file", _dir.File("wrong"), "--run-id", "r", "--", "true");
        Assert.Equal(21, code);
        Assert.Contains("refused the password", err);
        Assert.DoesNotContain("not-the-password", err);
    }

    [Fact]
    public void Submit_MalformedJobsFile_NamesTheLineAndQueuesNothing()
    {
        File.WriteAllLines(_dir.File("jobs.jsonl"), ["{\"argv\":[\"true\"]}", "{\"argv\":\"sh -c true\"}"]);
        var (code, _, err) = _cluster.Tracekit(["submit", .. _cluster.RedisArgs, "--run-id", "bad", "--file", _dir.File("jobs.jsonl")]);
        Assert.Equal(2, code);
        Assert.Contains("line 2", err);
        Assert.Contains("argv", err);
        Assert.Equal("0", _cluster.RedisGet("LLEN", "tk:queue"));
    }

    [Fact]
    public void Submit_NotJson_NamesTheLine()
    {
        File.WriteAllLines(_dir.File("jobs.jsonl"), ["{\"argv\":[\"true\"],\"cpu_units\":1}", "", "argv: true"]);
        var (code, _, err) = _cluster.Tracekit(["submit", .. _cluster.RedisArgs, "--run-id", "bad", "--file", _dir.File("jobs.jsonl")]);
        Assert.Equal(2, code);
        Assert.Contains("line 3: not a JSON object", err);
    }

    [Fact]
    public void ClusterStatus_UnknownRun_ExitsRunNotFound()
    {
        var (code, _, err) = _cluster.Tracekit(["cluster", "status", .. _cluster.RedisArgs, "--run-id", "no-such-run"]);
        Assert.Equal(4, code);
        Assert.Contains("'no-such-run' is not known", err);
    }

    [Fact]
    public void ClusterStop_UnknownRun_ExitsRunNotFound()
    {
        var (code, _, _) = _cluster.Tracekit(["cluster", "stop", .. _cluster.RedisArgs, "--run-id", "no-such-run"]);
        Assert.Equal(4, code);
    }

    [Fact]
    public void Submit_ValidJob_IsQueuedWithItsArgvArray()
    {
        var (code, stdout, err) = _cluster.Tracekit(["submit", .. _cluster.RedisArgs, "--run-id", "ok", "--cpu-units", "2", "--", "echo", "a b; rm -rf /"]);
        Assert.True(code == 0, err);
        string id = stdout.Trim();
        Assert.Equal("[\"echo\",\"a b; rm -rf /\"]", _cluster.RedisGet("HGET", "tk:job:" + id, "argv"));
        Assert.Equal("2", _cluster.RedisGet("HGET", "tk:job:" + id, "units"));
    }

    public void Dispose()
    {
        _redis.Dispose();
        _dir.Dispose();
    }
}
