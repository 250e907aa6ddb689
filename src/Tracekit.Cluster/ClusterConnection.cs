using StackExchange.Redis;

namespace Tracekit.Cluster;

/// <summary>
/// One multiplexed connection to the cluster's Redis: commands and pub/sub share it. The first connect fails
/// fast with a <see cref="ClusterException"/> that says why; after that the client reconnects by itself, so an
/// agent outlives a Redis restart.
/// </summary>
public sealed class ClusterConnection : IDisposable
{
    private readonly ConnectionMultiplexer _multiplexer;

    private ClusterConnection(ConnectionMultiplexer multiplexer, RedisTarget target)
    {
        _multiplexer = multiplexer;
        Target = target;
        Database = multiplexer.GetDatabase();
        Subscriber = multiplexer.GetSubscriber();
    }

    public RedisTarget Target { get; }
    public IDatabase Database { get; }
    public ISubscriber Subscriber { get; }
    public bool IsConnected => _multiplexer.IsConnected;

    /// <summary>Calls <paramref name="action"/> when the client reconnected: pub/sub messages sent meanwhile were lost, so listeners re-read state.</summary>
    public void OnRestored(Action action) => _multiplexer.ConnectionRestored += (_, _) => action();

    public static ClusterConnection Connect(RedisTarget target, string clientName, int connectTimeoutMs = 3000)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { target.Host, target.Port } },
            Password = target.Password,
            ClientName = clientName,
            AbortOnConnectFail = true,
            ConnectTimeout = connectTimeoutMs,
            SyncTimeout = 5000,
            ConnectRetry = 1,
            // A reconnect every second at most: a cluster of agents must not hammer a restarting server.
            ReconnectRetryPolicy = new LinearRetry(1000),
            // The client's own timer (timeouts, keep-alive) wakes the process; an idle agent already heartbeats.
            HeartbeatInterval = TimeSpan.FromSeconds(5),
        };
        try
        {
            var multiplexer = ConnectionMultiplexer.Connect(options);
            var connection = new ClusterConnection(multiplexer, target);
            connection.Database.Ping(); // a server that needs a password accepts the socket but not a command
            options.AbortOnConnectFail = false;
            return connection;
        }
        catch (RedisConnectionException e)
        {
            throw Explain(target, e);
        }
        catch (RedisServerException e) when (IsAuthError(e.Message))
        {
            throw AuthFailed(target);
        }
    }

    private static ClusterException Explain(RedisTarget target, RedisConnectionException e)
    {
        if (e.FailureType == ConnectionFailureType.AuthenticationFailure || IsAuthError(e.Message) || IsAuthError(e.InnerException?.Message))
            return AuthFailed(target);
        return new ClusterException(ClusterProblem.Unreachable,
            $"the Redis server at {target} cannot be reached; check --redis HOST:PORT, that redis-server runs and listens on that address, and the firewall");
    }

    private static bool IsAuthError(string? message) => message is not null &&
        (message.Contains("WRONGPASS", StringComparison.Ordinal) || message.Contains("NOAUTH", StringComparison.Ordinal) ||
         message.Contains("AuthenticationFailure", StringComparison.Ordinal) || message.Contains("invalid password", StringComparison.OrdinalIgnoreCase));

    private static ClusterException AuthFailed(RedisTarget target) => new(ClusterProblem.AuthenticationFailed,
        $"the Redis server at {target} refused the password; set {RedisTarget.PasswordVariable} or --redis-password-file to the server's requirepass");

    /// <summary>The server's clock (TIME) in epoch ns.</summary>
    public long ServerTimeNs()
    {
        var parts = (RedisResult[])Database.Execute("TIME")!;
        return (long)parts[0] * 1_000_000_000 + (long)parts[1] * 1000;
    }

    public void Dispose() => _multiplexer.Dispose();
}
