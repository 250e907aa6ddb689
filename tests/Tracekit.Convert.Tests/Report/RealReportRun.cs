using System.Diagnostics;
using Tracekit.Convert.Tests.Support;

namespace Tracekit.Convert.Tests.Report;

/// <summary>
/// A real short run: the `tracekit` collector ($TRACEKIT_BIN, which tools/test.sh points at the native-AOT binary;
/// else the repository's bin/tracekit) at 100 ms while `tracekit run` runs a two-second busy shell loop, then
/// `cctf`, `opendc` and `report` on it.
/// </summary>
public sealed class RealReportRun : IDisposable
{
    public const string Node = "n1";

    public RealReportRun()
    {
        Root = Path.Combine(Path.GetTempPath(), "tk-report-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        RunId = "real";
        string[] common = ["--run-id", RunId, "--out", Root, "--node-id", Node];
        using var collector = Start(["collect", .. common, "--interval", "100ms", "--duration", "120s"]);
        string registration = Path.Combine(RunDirectory, Node, "control", "collector.json");
        var wait = Stopwatch.StartNew();
        while (!File.Exists(registration) && !collector.HasExited && wait.Elapsed < TimeSpan.FromSeconds(30))
        {
            Thread.Sleep(20);
        }

        if (!File.Exists(registration))
        {
            // Read only now: the collector's stderr ends when it exits.
            collector.Kill();
            Assert.Fail($"the collector did not start within 30 s: {collector.StandardError.ReadToEnd()}");
        }
        Finish(Start(["run", .. common, "--", "sh", "-c", "end=$(($(date +%s) + 2)); while [ $(date +%s) -lt $end ]; do :; done"]), "tracekit run");
        Finish(Start(["stop", .. common]), "tracekit stop");
        Finish(collector, "tracekit collect");
        Cctf = CapturingConsole.Run("cctf", "--run-dir", RunDirectory);
        Opendc = CapturingConsole.Run("opendc", "--run-dir", RunDirectory, "--tasks", "invocations");
        Report = CapturingConsole.Run("report", "--run-dir", RunDirectory);
    }

    public string Root { get; }

    public string RunId { get; }

    public string RunDirectory => Path.Combine(Root, RunId);

    public string ReportPath => Path.Combine(RunDirectory, "report.html");

    public (int ExitCode, CapturingConsole Console) Cctf { get; }

    public (int ExitCode, CapturingConsole Console) Opendc { get; }

    public (int ExitCode, CapturingConsole Console) Report { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private static Process Start(IEnumerable<string> arguments)
    {
        var psi = new ProcessStartInfo(Binary()) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        return Process.Start(psi)!;
    }

    private static void Finish(Process process, string what)
    {
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), $"{what} did not exit within 60 s");
            Assert.True(process.ExitCode == 0, $"{what} exited {process.ExitCode}: {stderr.Result}");
        }
    }

    private static string Binary()
    {
        if (Environment.GetEnvironmentVariable("TRACEKIT_BIN") is { Length: > 0 } bin)
        {
            return Path.GetFullPath(bin);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tracekit.sln")))
            {
                string built = Path.Combine(dir.FullName, "bin", "tracekit");
                Assert.True(File.Exists(built), $"no collector binary: set TRACEKIT_BIN or publish bin/tracekit (source tools/lib.sh; publish_binaries \"$PWD\")");
                return built;
            }
        }

        throw new FileNotFoundException("no Tracekit.sln above the test folder and TRACEKIT_BIN is not set");
    }
}
