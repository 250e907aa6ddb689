using System.Diagnostics;
using System.Net.Sockets;
using Tracekit.Collector.Tests.Support;

namespace Tracekit.Collector.Tests.Cluster;

/// <summary>
/// A real redis-server for one test: bound to one test address (never 0.0.0.0), on a free port, with its
/// password in a 0600 config file (not in its argv) and an append-only file fsynced on every write, so a restart
/// (<see cref="Restart"/>) loses nothing, as a production deployment is told to run it (docs/cluster.md).
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly string _configPath;
    private Spawned _process;

    public RedisServer(string directory, string bindAddress, int? port = null)
    {
        Address = bindAddress;
        Port = port ?? FreePort(bindAddress);
        Password = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        PasswordFile = Path.Combine(directory, "redis.password");
        File.WriteAllText(PasswordFile, Password + "\n");
        File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _configPath = Path.Combine(directory, "redis.conf");
        File.WriteAllText(_configPath, $"""
            bind {bindAddress}
            port {Port}
            requirepass {Password}
            dir {directory}
            appendonly yes
            appendfsync always
            save ""
            protected-mode yes
            """);
        File.SetUnixFileMode(_configPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _process = StartServer();
    }

    public string Address { get; }
    public int Port { get; }
    public string Password { get; }
    public string PasswordFile { get; }
    public string Endpoint => $"{Address}:{Port}";

    public static bool IsInstalled => File.Exists("/usr/bin/redis-server");

    /// <summary>Stops the server (SIGTERM: it flushes and exits), keeps it down for <paramref name="downFor"/>, starts it again.</summary>
    public void Restart(TimeSpan downFor)
    {
        _process.Signal(15);
        Assert.True(_process.TryWaitForExit(TimeSpan.FromSeconds(20)), "redis-server did not exit on SIGTERM");
        _process.Dispose();
        Thread.Sleep(downFor); // the outage itself is what is being tested
        _process = StartServer();
    }

    private Spawned StartServer()
    {
        var server = Spawned.Start("/usr/bin/redis-server", [_configPath]);
        var waited = Stopwatch.StartNew();
        while (!Accepts())
        {
            if (server.HasExited) throw new InvalidOperationException($"redis-server exited: {server.Stdout}{server.Stderr}");
            if (waited.Elapsed > TimeSpan.FromSeconds(20)) throw new TimeoutException("redis-server did not listen within 20 s");
            Thread.Sleep(20);
        }
        return server;
    }

    private bool Accepts()
    {
        try
        {
            using var c = new TcpClient();
            c.Connect(Address, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort(string address)
    {
        var l = new TcpListener(System.Net.IPAddress.Parse(address), 0);
        l.Start();
        int port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Signal(15);
        _process.TryWaitForExit(TimeSpan.FromSeconds(20));
        _process.Dispose();
    }
}
