using System.Diagnostics;

namespace Tracekit.Procfs.Tests;

/// <summary>The cheap per-tick reads: /proc/loadavg's last PID, statm, and the task directory's link count.</summary>
public sealed class CheapReadTests
{
    [Theory]
    [InlineData("0.50 0.40 0.30 2/345 12345\n", 12345)]
    [InlineData("0.00 0.00 0.00 1/1 1\n", 1)]
    [InlineData("12.34 5.67 8.90 10/1000 4194304", 4194304)]
    public void TryParseLastPid_WellFormed_ReturnsFifthField(string content, int expected)
    {
        Assert.True(LoadAvgParser.TryParseLastPid(TestSupport.Ascii(content), out int lastPid));
        Assert.Equal(expected, lastPid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0.50 0.40 0.30 2/345\n")]
    [InlineData("0.50 0.40 0.30 2/345 x12\n")]
    [InlineData("0.50 0.40 0.30 2/345 99999999999\n")]
    public void TryParseLastPid_Malformed_ReturnsFalse(string content)
    {
        Assert.False(LoadAvgParser.TryParseLastPid(TestSupport.Ascii(content), out _));
    }

    [Fact]
    public void CheckForkedSinceLastCall_ProcessStartedBetweenCalls_ReportsFork()
    {
        using var sentinel = ForkSentinel.Open();
        Assert.True(sentinel.CheckForkedSinceLastCall()); // the first call has nothing to compare with
        Process child = TestSupport.Start("/bin/true");
        child.WaitForExit();
        Assert.True(sentinel.CheckForkedSinceLastCall());
    }

    [Fact]
    public void CheckForkedSinceLastCall_LastPidUnchangedOrMoved_ReportsOnlyTheMove()
    {
        // A private procRoot with a regular loadavg file, so that "nothing was created" is under the test's control.
        string root = Directory.CreateTempSubdirectory("tk-loadavg-").FullName;
        try
        {
            string path = Path.Combine(root, "loadavg");
            File.WriteAllText(path, "0.10 0.20 0.30 1/200 500\n");
            using var sentinel = ForkSentinel.Open(root);
            Assert.True(sentinel.CheckForkedSinceLastCall());
            Assert.False(sentinel.CheckForkedSinceLastCall());
            File.WriteAllText(path, "0.90 0.80 0.70 3/201 500\n"); // load moved, no new PID
            Assert.False(sentinel.CheckForkedSinceLastCall());
            File.WriteAllText(path, "0.90 0.80 0.70 3/202 501\n");
            Assert.True(sentinel.CheckForkedSinceLastCall());
            File.WriteAllText(path, "garbage\n"); // unreadable: assume a fork rather than miss one
            Assert.True(sentinel.CheckForkedSinceLastCall());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("2345 678 123 4 0 500 0\n", 678)]
    [InlineData("1 0 0 0 0 0 0", 0)]
    public void TryParseResidentPages_WellFormed_ReturnsSecondField(string content, long expected)
    {
        Assert.True(StatmParser.TryParseResidentPages(TestSupport.Ascii(content), out long pages));
        Assert.Equal(expected, pages);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2345")]
    [InlineData("2345 -1 0")]
    public void TryParseResidentPages_Malformed_ReturnsFalse(string content)
    {
        Assert.False(StatmParser.TryParseResidentPages(TestSupport.Ascii(content), out _));
    }

    [Fact]
    public void TryReadMemoryAndThreads_OwnProcess_AgreesWithStat()
    {
        using var gate = new ManualResetEventSlim();
        var extra = Enumerable.Range(0, 3).Select(_ => new Thread(() => gate.Wait()) { IsBackground = true }).ToList();
        extra.ForEach(t => t.Start());
        try
        {
            Assert.Equal(ProcReadStatus.Ok, ProcessCpuReader.TryOpen(Environment.ProcessId, out ProcessCpuReader? reader));
            using (reader)
            {
                // Threads come and go in a test host: read stat on both sides and retry until it held still.
                Assert.True(TestSupport.WaitUntil(() =>
                {
                    reader!.TryReadStat(out PidStat before);
                    var status = reader.TryReadMemoryAndThreads(out long rssPages, out int threads);
                    reader.TryReadStat(out PidStat after);
                    return status == ProcReadStatus.Ok && before.ThreadCount == after.ThreadCount && threads == after.ThreadCount
                        && Math.Abs(rssPages - after.RssPages) <= Math.Max(64, after.RssPages / 50);
                }, TimeSpan.FromSeconds(5)));
                reader!.TryReadMemoryAndThreads(out _, out int threadCount);
                Assert.True(threadCount >= 4, $"{threadCount} threads, expected the 3 extra ones plus the main thread at least");
            }
        }
        finally
        {
            gate.Set();
        }
    }

    [Fact]
    public void TryReadMemoryAndThreads_ProcessExited_ReportsVanished()
    {
        Process child = TestSupport.Start("/bin/sleep", "600");
        Assert.Equal(ProcReadStatus.Ok, ProcessCpuReader.TryOpen(child.Id, out ProcessCpuReader? reader));
        using (reader)
        {
            Assert.Equal(ProcReadStatus.Ok, reader!.TryReadMemoryAndThreads(out long rssPages, out int threads));
            Assert.True(rssPages > 0);
            Assert.Equal(1, threads);
            TestSupport.KillAndReap(child);
            Assert.Equal(ProcReadStatus.Vanished, reader.TryReadMemoryAndThreads(out _, out _));
        }
    }
}
