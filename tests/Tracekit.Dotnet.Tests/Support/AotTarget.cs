using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Tracekit.Dotnet.Tests.Support;

/// <summary>
/// tests/Tracekit.Dotnet.AotTarget published as native AOT into the test's build output (bin/…/aot-target/&lt;variant&gt;).
/// A publish takes about a minute on the 2-core machine, so it is reused while the target's sources and the variant
/// are unchanged (a stamp file holds their hash).
/// </summary>
internal static class AotTarget
{
    public const string Name = "tracekit-aot-target";

    /// <summary>The published binary, or null with <paramref name="failure"/> saying why the publish failed.</summary>
    public static string? Publish(bool eventSourceSupport, out string? failure, out TimeSpan elapsed)
    {
        string project = Path.Combine(TracekitCli.RepoRoot, "tests", "Tracekit.Dotnet.AotTarget");
        string dir = Path.Combine(AppContext.BaseDirectory, "aot-target", eventSourceSupport ? "eventsource" : "no-eventsource");
        string binary = Path.Combine(dir, Name);
        string stampFile = Path.Combine(dir, "stamp");
        string stamp = Stamp(project, eventSourceSupport);
        elapsed = TimeSpan.Zero;
        failure = null;
        if (File.Exists(binary) && File.Exists(stampFile) && File.ReadAllText(stampFile) == stamp) return binary;

        var clock = Stopwatch.StartNew();
        using var publish = Spawned.Start("dotnet", ["publish", project, "-c", "Release", "-r", "linux-x64", "-o", dir, "-nologo",
            "-clp:ErrorsOnly", "-p:TreatWarningsAsErrors=true", $"-p:EventSourceSupport={(eventSourceSupport ? "true" : "false")}"]);
        int code = publish.WaitForExit(TimeSpan.FromMinutes(10));
        elapsed = clock.Elapsed;
        if (code != 0 || !File.Exists(binary))
        {
            failure = $"dotnet publish -p:PublishAot=true exited with {code} after {elapsed.TotalSeconds:0} s: {(publish.Stdout + publish.Stderr).Trim()}";
            return null;
        }
        File.WriteAllText(stampFile, stamp);
        return binary;
    }

    /// <summary>Starts the target (it allocates until killed, at most <paramref name="seconds"/>) and waits for its "ready" line.</summary>
    public static Spawned Start(string binary, int seconds = 120)
    {
        var target = Spawned.Start(binary, [seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        // The runtime opens its diagnostics socket before Main runs, so "ready" means the socket exists if it ever will.
        if (!Waits.Until(() => target.Stdout.Contains("ready", StringComparison.Ordinal) || target.HasExited, TimeSpan.FromSeconds(30)) || target.HasExited)
        {
            target.Dispose();
            throw new InvalidOperationException($"the AOT target did not start: {target.Stderr}");
        }
        return target;
    }

    private static string Stamp(string project, bool eventSourceSupport)
    {
        var text = new StringBuilder($"EventSourceSupport={eventSourceSupport}\n");
        foreach (var file in Directory.EnumerateFiles(project).Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            text.Append(Path.GetFileName(file)).Append('\n').Append(File.ReadAllText(file));
        foreach (var shared in new[] { "Directory.Build.props", "global.json" })
            text.Append(File.ReadAllText(Path.Combine(TracekitCli.RepoRoot, shared)));
        return System.Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
