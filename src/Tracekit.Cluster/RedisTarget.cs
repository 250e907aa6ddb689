using System.Globalization;

namespace Tracekit.Cluster;

/// <summary>
/// Where the cluster's Redis server is and how to authenticate: HOST:PORT from --redis, the password from the
/// environment variable <see cref="PasswordVariable"/> or a file (--redis-password-file), never from argv, where
/// every user of the machine can read it in /proc/PID/cmdline.
/// </summary>
public sealed record RedisTarget(string Host, int Port, string? Password)
{
    public const string PasswordVariable = "TRACEKIT_REDIS_PASSWORD";

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>Parses HOST:PORT ([v6]:PORT) and reads the password (a file wins over the environment).</summary>
    public static RedisTarget Parse(string endpoint, string? passwordFile)
    {
        int colon = endpoint.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(endpoint.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new ArgumentException($"--redis '{endpoint}' is not HOST:PORT (for example 10.0.0.5:6379)");
        string host = endpoint[..colon].Trim('[', ']');
        if (host.Length == 0) throw new ArgumentException($"--redis '{endpoint}' names no host");
        return new RedisTarget(host, port, ReadPassword(passwordFile));
    }

    private static string? ReadPassword(string? passwordFile)
    {
        if (passwordFile is not null)
        {
            try
            {
                // The file's first line: a trailing newline from `echo secret > file` is not part of the password.
                string text = File.ReadAllText(passwordFile);
                int end = text.IndexOfAny(['\r', '\n']);
                return end >= 0 ? text[..end] : text;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"--redis-password-file '{passwordFile}' cannot be read ({e.Message}); give a readable file holding the password");
            }
        }
        string? fromEnvironment = Environment.GetEnvironmentVariable(PasswordVariable);
        return string.IsNullOrEmpty(fromEnvironment) ? null : fromEnvironment;
    }
}
