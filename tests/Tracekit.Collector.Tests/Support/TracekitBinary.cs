namespace Tracekit.Collector.Tests.Support;

/// <summary>
/// The `tracekit` under test: $TRACEKIT_BIN when set (tools/test.sh points it at the native-AOT bin/tracekit, so
/// the shipped binary is what these tests exercise), else the framework-dependent build copied next to the tests
/// (its apphost, or `dotnet tracekit.dll`).
/// </summary>
public static class TracekitBinary
{
    private static readonly Lazy<(string FileName, string[] Prefix)> Resolved = new(Resolve);

    /// <summary>The program and its leading arguments, for a launcher that execs it (ip netns exec, setsid).</summary>
    public static IReadOnlyList<string> Command => [Resolved.Value.FileName, .. Resolved.Value.Prefix];

    public static string Description => $"{Resolved.Value.FileName} {string.Join(' ', Resolved.Value.Prefix)}".Trim();

    public static Spawned Start(params string[] arguments) => Start(arguments, redirectStdin: false);

    public static Spawned Start(IEnumerable<string> arguments, bool redirectStdin)
    {
        var (fileName, prefix) = Resolved.Value;
        return Spawned.Start(fileName, prefix.Concat(arguments), redirectStdin);
    }

    /// <summary>Starts tracekit with extra environment variables (the test hooks docs/cli.md lists).</summary>
    public static Spawned Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var (fileName, prefix) = Resolved.Value;
        return Spawned.Start(fileName, prefix.Concat(arguments), environment: environment);
    }

    /// <summary>
    /// Starts tracekit through a launcher that execs it (nsenter, setpriv), so the spawned PID ends up being the
    /// collector's own: signals and the exit code are the collector's.
    /// </summary>
    public static Spawned StartThrough(IReadOnlyList<string> launcher, IEnumerable<string> arguments)
    {
        var (fileName, prefix) = Resolved.Value;
        return Spawned.Start(launcher[0], launcher.Skip(1).Append(fileName).Concat(prefix).Concat(arguments));
    }

    /// <summary>The program and arguments that run tracekit with these arguments (for another launcher: tmux).</summary>
    public static IReadOnlyList<string> CommandLine(IEnumerable<string> arguments)
    {
        var (fileName, prefix) = Resolved.Value;
        return [fileName, .. prefix, .. arguments];
    }

    /// <summary>Runs a short command to completion.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(TimeSpan timeout, params string[] arguments)
    {
        using var p = Start(arguments);
        int code = p.WaitForExit(timeout);
        return (code, p.Stdout, p.Stderr);
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] arguments) => Run(TimeSpan.FromSeconds(60), arguments);

    private static (string, string[]) Resolve()
    {
        if (Environment.GetEnvironmentVariable("TRACEKIT_BIN") is { Length: > 0 } bin)
        {
            string full = Path.GetFullPath(bin);
            if (!File.Exists(full)) throw new FileNotFoundException($"TRACEKIT_BIN names '{full}', which does not exist", full);
            return (full, []);
        }
        string apphost = Path.Combine(AppContext.BaseDirectory, "tracekit");
        if (File.Exists(apphost)) return (apphost, []);
        string dll = Path.Combine(AppContext.BaseDirectory, "tracekit.dll");
        if (File.Exists(dll)) return ("dotnet", [dll]);
        throw new FileNotFoundException($"no tracekit binary next to the tests ({AppContext.BaseDirectory}) and TRACEKIT_BIN is not set");
    }
}
