using System.Text.RegularExpressions;

namespace Tracekit.Dotnet.Tests;

/// <summary>
/// A target the collector may not attach to: the runtime makes its diagnostics socket 0600 for its own user, so a
/// collector running as another unprivileged user gets EACCES on connect. Needs root to start both users' processes.
/// </summary>
public sealed class CollectPermissionTests(ITestOutputHelper output) : IDisposable
{
    // nobody, and a uid without a passwd entry: two unprivileged users that exist on every Linux machine.
    private const string TargetUid = "65534";
    private const string CollectorUid = "65533";

    private readonly string _out = Directory.CreateTempSubdirectory("tracekit-dotnet-perm-").FullName;

    [SkippableFact]
    public void Collect_TargetOfAnotherUser_PermissionDeniedNamedOnceAndHostStillSampled()
    {
        Skip.IfNot(IsRoot(), "needs root: the test starts the target and the collector as two other users");
        Skip.IfNot(File.Exists("/usr/bin/setpriv"), "setpriv (util-linux) is not installed");
        Chown(_out, CollectorUid);
        using var service = ExampleService.Start(launcher: AsUser(TargetUid));
        long startMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var collector = Spawned.Start("/usr/bin/setpriv", [.. AsUser(CollectorUid).Skip(1), TracekitCli.Binary,
            "collect", "--run-id", "run", "--node-id", "node", "--out", _out, "--interval", "1s", "--dotnet", service.Pid.ToString()]);
        // Several discovery scans (1 s apart) after the failed attach: it must be reported once, not once per scan.
        Thread.Sleep(4000);
        Assert.False(collector.HasExited, "the collector ended after the failed attach: " + collector.Stderr);
        TracekitCli.Stop(collector);
        output.WriteLine(collector.Stderr);

        Assert.Contains($"tracekit: warning: dotnet pid {service.Pid}: cannot attach: permission denied on its diagnostics socket " +
            "(run tracekit as the same user as the target, or as root)", collector.Stderr, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(collector.Stderr, $"dotnet pid {service.Pid}:"));
        Assert.False(service.HasExited, "the target must not be disturbed");

        var warnings = new List<string>();
        TracekitCli.Convert(Path.Combine(_out, "run"), warnings);
        string cctf = Path.Combine(_out, "run", "cctf");
        Assert.Contains(TracekitCli.ReadJsonl(Path.Combine(cctf, "host_metrics.jsonl")), r => r.Long("ts_ms") > startMs + 2000);
        Assert.Contains("permission denied", File.ReadAllText(Path.Combine(cctf, "audit_report.md")), StringComparison.Ordinal);
    }

    private static string[] AsUser(string uid) => ["/usr/bin/setpriv", $"--reuid={uid}", $"--regid={uid}", "--clear-groups", "--"];

    private static bool IsRoot() =>
        File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2] == "0";

    private static void Chown(string path, string uid)
    {
        using var chown = Spawned.Start("chown", [$"{uid}:{uid}", path]);
        Assert.Equal(0, chown.WaitForExit(TimeSpan.FromSeconds(10)));
    }

    public void Dispose()
    {
        try { Directory.Delete(_out, recursive: true); } catch (IOException) { }
    }
}
