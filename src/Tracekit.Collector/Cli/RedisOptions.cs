using System.CommandLine;
using StackExchange.Redis;
using Tracekit.Cluster;

namespace Tracekit.Collector.Cli;

/// <summary>The options of every Redis-speaking command, and the one translation of cluster failures into exit codes.</summary>
internal static class RedisOptions
{
    public static Option<string> Endpoint() => new("--redis")
    {
        Description = "The cluster's Redis server, HOST:PORT. The password comes from the environment variable TRACEKIT_REDIS_PASSWORD or --redis-password-file, never from the command line.",
        Required = true,
    };

    public static Option<string?> PasswordFile() => new("--redis-password-file")
    {
        Description = "A file whose first line is the Redis password (keep it 0600). Wins over TRACEKIT_REDIS_PASSWORD.",
    };

    /// <summary>Runs a command body, mapping cluster and input failures to a message and an exit code.</summary>
    public static int Guard(string command, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (ClusterException e)
        {
            Console.Error.WriteLine($"tracekit {command}: {e.Message}");
            return (int)(e.Problem switch
            {
                ClusterProblem.Unreachable => ReturnCode.RedisUnreachable,
                ClusterProblem.AuthenticationFailed => ReturnCode.RedisAuthFailed,
                ClusterProblem.UnknownRun => ReturnCode.RunNotFound,
                _ => ReturnCode.ClusterTimeout,
            });
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine($"tracekit {command}: {e.Message}");
            return (int)ReturnCode.ArgumentError;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Console.Error.WriteLine($"tracekit {command}: the Redis server stopped answering ({e.Message.Split('\n')[0]}); check that it runs, then run the command again");
            return (int)ReturnCode.RedisUnreachable;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"tracekit {command}: {e.Message}");
            return (int)ReturnCode.OutputError;
        }
    }

    public static ClusterClient Connect(string endpoint, string? passwordFile, string clientName) =>
        new(ClusterConnection.Connect(RedisTarget.Parse(endpoint, passwordFile), clientName));
}
