using System.Globalization;
using System.Text.Json;

namespace Tracekit.Collector.Tests;

/// <summary>
/// Processes the collector may not read are skipped, counted and reported in one stderr line, never fatal.
/// On Linux 6.18 with hidepid off, nothing the collector reads of another user's process is denied (stat, statm,
/// task/, schedstat, cmdline, pidfd_open and the CPU clock all work; only io and environ are closed, and it reads
/// neither), so denial is provoked the way hosts get it: a procfs mounted hidepid=noaccess.
/// </summary>
public sealed class AccessDeniedTests : IDisposable
{
    private const string Nobody = "65534";
    private const string WarningText = "could not be read (permission denied";
    private static readonly string[] AsNobody = ["setpriv", $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--"];

    private readonly TempDir _dir = new("tk-denied");
    private readonly ITestOutputHelper _output;

    public AccessDeniedTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [SkippableFact]
    public void Collect_AllAsUnprivilegedUserUnderHidepid_WarnsOnceCountsDeniedAndSamplesOwnProcesses()
    {
        SkipUnlessUnprivilegedRunsArePossible();
        using var ns = HidepidNamespace.TryCreate(out string whyNot);
        Skip.If(ns is null, whyNot);

        var (own, others, collector) = RunAllAsNobody([.. ns.Enter, .. AsNobody], "hidepid");
        using (own) using (others) using (collector)
        {
            var ring = collector.ReadRing();
            long denied = AssertCountsAgree(collector);
            Assert.True(denied > 0, $"no process counted as denied; stderr:\n{collector.Process.Stderr}");
            Assert.Equal(1, Occurrences(collector.Process.Stderr, WarningText));
            // The line gives the count when it is printed; processes that appear later (on a busy host) add to the
            // final count but never print again.
            var warned = System.Text.RegularExpressions.Regex.Match(collector.Process.Stderr, @"warning: (\d+) process\(es\) could not be read");
            Assert.True(warned.Success, $"no warning line in:\n{collector.Process.Stderr}");
            Assert.InRange(long.Parse(warned.Groups[1].Value, CultureInfo.InvariantCulture), 1, denied);
            Assert.True(ring.TickTimestamps().Count >= 5, $"{ring.TickTimestamps().Count} host ticks");
            Assert.True(ring.SamplesOf(own.Pid).Count >= 5, $"{ring.SamplesOf(own.Pid).Count} samples of the user's own process");
            Assert.Empty(ring.SamplesOf(others.Pid));
        }
    }

    [SkippableFact]
    public void Collect_AllAsUnprivilegedUserWithoutHidepid_OtherUsersSampledAndNothingCounted()
    {
        // The other half of the contract: no false warning where the kernel lets an unprivileged user read.
        SkipUnlessUnprivilegedRunsArePossible();
        Skip.If(File.ReadAllText("/proc/mounts").Split('\n').Any(l => l.StartsWith("proc /proc ", StringComparison.Ordinal) && l.Contains("hidepid", StringComparison.Ordinal)),
            "this host's /proc is mounted with hidepid: other users' processes are denied here");

        var (own, others, collector) = RunAllAsNobody(AsNobody, "open");
        using (own) using (others) using (collector)
        {
            var ring = collector.ReadRing();
            Assert.Equal(0, AssertCountsAgree(collector));
            Assert.Equal(0, Occurrences(collector.Process.Stderr, WarningText));
            Assert.True(ring.SamplesOf(own.Pid).Count >= 5, $"{ring.SamplesOf(own.Pid).Count} samples of the user's own process");
            Assert.True(ring.SamplesOf(others.Pid).Count >= 5, $"{ring.SamplesOf(others.Pid).Count} samples of root's process");
        }
    }

    private static void SkipUnlessUnprivilegedRunsArePossible()
    {
        Skip.IfNot(Proc.IsRoot, "switching to the unprivileged user 65534 needs root");
        Skip.IfNot(OnPath("setpriv"), "setpriv (util-linux) is not installed");
    }

    /// <summary>
    /// `collect --all` for 1 s as user 65534 (through <paramref name="launcher"/>), with a process of that user and
    /// one of root's running. The output folder is the unprivileged user's, as it would be for a real one.
    /// </summary>
    private (Spawned Own, Spawned Others, CollectorRun Collector) RunAllAsNobody(string[] launcher, string runId)
    {
        string outDirectory = Path.Combine(_dir.Path, "out");
        Directory.CreateDirectory(outDirectory);
        // TempDir is 0700 root: the user must be able to reach the output folder, too.
        foreach (var path in new[] { _dir.Path, outDirectory }) RunOrFail("chown", $"{Nobody}:{Nobody}", path);

        var own = Spawned.Start(AsNobody[0], [.. AsNobody[1..], "sleep", "30"]);
        var others = Spawned.Start("sleep", ["30"]);
        // Until setpriv has exec'd sleep, the PID is root's setpriv: a scan then would deny it and not look again.
        Proc.WaitForOrFail(() => Proc.TryReadStat(own.Pid, out var stat) && stat.Comm == "sleep", TimeSpan.FromSeconds(10), "setpriv exec'ing sleep");
        var collector = CollectorRun.StartThrough(launcher, outDirectory, runId, "--all", "--interval", "100ms", "--duration", "1s");
        int code = collector.WaitForExit(TimeSpan.FromSeconds(30));
        _output.WriteLine($"exit {code}; stderr:\n{collector.Process.Stderr}");
        Assert.Equal(0, code);
        return (own, others, collector);
    }

    /// <summary>status --json, status text and meta.json must give the same count; returns it.</summary>
    private long AssertCountsAgree(CollectorRun collector)
    {
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(collector.NodeDirectory, "meta.json")));
        long inMeta = meta.RootElement.GetProperty("access_denied_processes").GetInt64();

        var (code, json, stderr) = TracekitBinary.Run(["status", .. collector.CommonArgs, "--json"]);
        Assert.True(code == 0, $"status --json exited {code}: {stderr}");
        using var status = JsonDocument.Parse(json);
        Assert.Equal(inMeta, status.RootElement.GetProperty("access_denied_processes").GetInt64());

        var (textCode, text, textStderr) = TracekitBinary.Run(["status", .. collector.CommonArgs]);
        Assert.True(textCode == 0, $"status exited {textCode}: {textStderr}");
        _output.WriteLine(text);
        Assert.Contains($"processes skipped: {inMeta.ToString(CultureInfo.InvariantCulture)} (permission denied", text, StringComparison.Ordinal);
        return inMeta;
    }

    private static int Occurrences(string text, string what)
    {
        int count = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, program)));

    private static void RunOrFail(string program, params string[] arguments)
    {
        using var p = Spawned.Start(program, arguments);
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(10)) == 0, $"{p.Describe()} failed: {p.Stderr}");
    }
}
