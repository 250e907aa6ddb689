using Tracekit.Convert.Tests.Support;

namespace Tracekit.Convert.Tests.Report;

/// <summary>`tracekit-convert report` on bad input: one sentence and an exit code, never a stack trace.</summary>
public sealed class ReportCommandTests
{
    [Fact]
    public void Report_RunFolderMissing_Exits4NamingIt()
    {
        string missing = Path.Combine(Path.GetTempPath(), "tk-no-run-" + Guid.NewGuid().ToString("N"));
        var (code, console) = CapturingConsole.Run("report", "--run-dir", missing);
        Assert.Equal(4, code);
        Assert.Contains($"Run folder '{missing}' does not exist", console.ErrorText, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", console.ErrorText, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_OutFolderMissing_Exits3NamingIt()
    {
        using var run = new TestRun();
        using (var ring = run.Ring("n1"))
        {
            ring.Add(Clock.Anchor(1_000_000_000, 1_700_000_000_000));
            ring.Add(new Tracekit.Format.HostMemory { TimestampNs = 1_000_000_000, MemTotalKb = 1000, MemAvailableKb = 500 });
        }

        string folder = Path.Combine(run.Root, "no-such-folder");
        var (code, console) = CapturingConsole.Run("report", "--run-dir", run.RunDirectory, "--out", Path.Combine(folder, "r.html"));
        Assert.Equal(3, code);
        Assert.Contains($"Folder '{folder}' of --out does not exist", console.ErrorText, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_SampledRequests_ScalesTheCountAndSaysSo()
    {
        using var run = new TestRun();
        using (var ring = run.Ring("n1"))
        {
            ring.Add(Clock.Anchor(1_000_000_000, 1_700_000_000_000));
            // 30 requests recorded at a ratio of 0.1 and 5 unsampled: they stand for 305.
            for (int i = 0; i < 35; i++)
            {
                ulong startNs = 1_000_000_000 + ((ulong)i * 10_000_000);
                string trace = i.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
                ring.Add(new Tracekit.Format.InvocationStart { TimestampNs = startNs, TraceId = trace, SpanId = "s", Method = "GET", Path = "/", SampleRatio = i < 30 ? 0.1 : null });
                ring.Add(new Tracekit.Format.InvocationEnd { TimestampNs = startNs + 2_000_000, TraceId = trace, SpanId = "s", Status = 200 });
            }
        }

        var (code, console) = CapturingConsole.Run("report", "--run-dir", run.RunDirectory);
        Assert.True(code == 0, console.ErrorText);
        string html = File.ReadAllText(Path.Combine(run.RunDirectory, "report.html"));
        Assert.Contains("30 of these invocations were sampled requests", html, StringComparison.Ordinal);
        Assert.Contains("data-figure=\"estimated-invocations\" data-node=\"n1\">305</span>", html, StringComparison.Ordinal);
    }
}
