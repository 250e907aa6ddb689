using System.Diagnostics;
using System.Globalization;
using Tracekit.Native;

namespace Tracekit.Procfs.Tests;

/// <summary>
/// The nanosecond CPU sources against the kernel's own thread CPU clock. Tolerances are in CPU time, not speed:
/// schedstat of a RUNNING thread lags by at most one scheduler tick (4 ms at HZ=250) because the kernel folds the
/// running slice in only at ticks and context switches.
/// </summary>
public class CpuSourceAccuracyTests
{
    private const long OneMillisecondNs = 1_000_000;

    [Fact]
    public void ThreadSchedstat_BusyThreadThenBlocked_MatchesItsThreadCpuClock()
    {
        ProcFile? schedstat = null;
        int tid = 0;
        long clockStartNs = 0;
        long clockEndNs = 0;
        ulong schedstatStartNs = 0;
        using var burned = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var worker = new Thread(() =>
        {
            // /proc/thread-self resolves to this thread: the fd stays bound to it when read from another thread.
            ProcFile.TryOpen("/proc/thread-self/schedstat", out schedstat);
            tid = int.Parse(Path.GetFileName(Directory.ResolveLinkTarget("/proc/thread-self", false)!.FullName), CultureInfo.InvariantCulture);
            clockStartNs = Libc.GetCurrentThreadCpuTimeNs();
            schedstatStartNs = ReadOnCpuNs(schedstat!);
            TestSupport.Burn(TimeSpan.FromMilliseconds(300));
            clockEndNs = Libc.GetCurrentThreadCpuTimeNs();
            burned.Set();
            release.Wait();
        });
        worker.Start();
        burned.Wait();
        // Blocking folds the last running slice into schedstat: wait until the worker really sleeps.
        Assert.True(TestSupport.WaitUntil(() => ThreadState(tid) == (byte)'S', TimeSpan.FromSeconds(10)));
        ulong schedstatEndNs = ReadOnCpuNs(schedstat!);
        release.Set();
        worker.Join();
        schedstat!.Dispose();

        long clockDeltaNs = clockEndNs - clockStartNs;
        long schedstatDeltaNs = (long)(schedstatEndNs - schedstatStartNs);
        Assert.True(clockDeltaNs > 10 * OneMillisecondNs, $"the worker burned only {clockDeltaNs} ns");
        // Both count the same sum_exec_runtime: once blocked, schedstat is the clock plus the few µs it ran after.
        Assert.InRange((long)schedstatEndNs - clockEndNs, 0, 5 * OneMillisecondNs);
        Assert.InRange(schedstatDeltaNs - clockDeltaNs, -5 * OneMillisecondNs, 5 * OneMillisecondNs);
    }

    [Fact]
    public void ProcessCpuClock_TwoThreadsThatExit_KeepsTheirCpuWhileMainSchedstatMissesIt()
    {
        int pid = Environment.ProcessId;
        Assert.Equal(ProcReadStatus.Ok, ProcessCpuReader.TryOpen(pid, out ProcessCpuReader? reader));
        Assert.Equal(ProcReadStatus.Ok, ProcFile.TryOpenPid(pid, "schedstat"u8, out ProcFile? mainSchedstat));
        using (reader)
        using (mainSchedstat)
        {
            Assert.Equal(CpuTimeSource.ProcessCpuClock, reader!.Source);
            Assert.Equal(ProcReadStatus.Ok, reader.TryReadCpuTimeNs(out long processStartNs));
            ulong mainStartNs = ReadOnCpuNs(mainSchedstat!);

            long[] burnedNs = new long[2];
            Thread[] threads = new Thread[2];
            for (int i = 0; i < threads.Length; i++)
            {
                int index = i;
                threads[i] = new Thread(() =>
                {
                    long start = Libc.GetCurrentThreadCpuTimeNs();
                    TestSupport.Burn(TimeSpan.FromMilliseconds(250));
                    burnedNs[index] = Libc.GetCurrentThreadCpuTimeNs() - start;
                });
                threads[i].Start();
            }

            foreach (Thread thread in threads)
            {
                thread.Join();
            }

            Assert.Equal(ProcReadStatus.Ok, reader.TryReadCpuTimeNs(out long processEndNs));
            ulong mainEndNs = ReadOnCpuNs(mainSchedstat!);
            long threadsNs = burnedNs[0] + burnedNs[1];

            // The exited threads' runtime stays in the process clock (the kernel folds it into the signal struct).
            Assert.True(processEndNs - processStartNs >= threadsNs, $"process {processEndNs - processStartNs} < threads {threadsNs}");
            // /proc/PID/schedstat is the main thread only, which slept in Join.
            Assert.True((long)(mainEndNs - mainStartNs) < threadsNs / 2, $"main {mainEndNs - mainStartNs} vs threads {threadsNs}");
        }
    }

    [Fact]
    public void TaskSchedstatSum_RefreshWhileThreadRuns_CountsItsCpu()
    {
        Assert.Equal(ProcReadStatus.Ok, TaskSchedstatSum.TryOpen(Environment.ProcessId, out TaskSchedstatSum? sum));
        using (sum)
        {
            Assert.Equal(ProcReadStatus.Ok, sum!.TryReadCpuTimeNs(out long beforeNs));
            int tasksBefore = sum.TaskCount;
            long burnedNs = 0;
            using var burning = new ManualResetEventSlim();
            using var burned = new ManualResetEventSlim();
            using var stop = new ManualResetEventSlim();
            var worker = new Thread(() =>
            {
                long start = Libc.GetCurrentThreadCpuTimeNs();
                burning.Set();
                TestSupport.Burn(TimeSpan.FromMilliseconds(200));
                burnedNs = Libc.GetCurrentThreadCpuTimeNs() - start;
                burned.Set();
                stop.Wait();
            });
            worker.Start();
            burning.Wait();
            sum.RequestRefresh();
            Assert.Equal(ProcReadStatus.Ok, sum.TryReadCpuTimeNs(out _));
            Assert.True(sum.TaskCount > tasksBefore);
            burned.Wait();
            Thread.Sleep(50); // let the worker block in stop.Wait(), which brings its schedstat up to date
            Assert.Equal(ProcReadStatus.Ok, sum.TryReadCpuTimeNs(out long afterNs));
            stop.Set();
            worker.Join();

            Assert.True(afterNs - beforeNs >= burnedNs - (5 * OneMillisecondNs), $"sum grew {afterNs - beforeNs}, thread burned {burnedNs}");
        }
    }

    [Fact]
    public void ProcessCpuReader_BusyChild_AllThreeSourcesAgree()
    {
        Process burner = TestSupport.StartBusyShell();
        var readers = new List<ProcessCpuReader>();
        try
        {
            foreach (CpuTimeSource source in new[] { CpuTimeSource.ProcessCpuClock, CpuTimeSource.TaskSchedstatSum, CpuTimeSource.StatTicks })
            {
                Assert.Equal(ProcReadStatus.Ok, ProcessCpuReader.TryOpen(burner.Id, out ProcessCpuReader? reader, source));
                Assert.Equal(source, reader!.Source);
                readers.Add(reader);
            }

            long[] startNs = ReadAll(readers);
            Thread.Sleep(1000);
            long[] endNs = ReadAll(readers);

            // ReadAll reads the clock first and again last, so the other two sources were read inside a window the
            // clock brackets: the burner's CPU over the second lies between the inner and the outer clock delta.
            // Bracketing keeps the test exact on a loaded machine, where the test thread can be preempted between
            // two reads for longer than any fixed tolerance.
            long innerClockNs = endNs[0] - startNs[3];
            long outerClockNs = endNs[3] - startNs[0];
            long schedstatNs = endNs[1] - startNs[1];
            long ticksNs = endNs[2] - startNs[2];
            // A very low bar: even on a loaded 2-core CI machine the burner gets far more than 2% of a core.
            Assert.True(innerClockNs > 20 * OneMillisecondNs, $"the burner got only {innerClockNs} ns in 1 s");
            // Same kernel counter; schedstat may lack the running slice not yet accounted (a scheduler tick, 4 ms).
            Assert.InRange(schedstatNs, innerClockNs - 10 * OneMillisecondNs, outerClockNs + 10 * OneMillisecondNs);
            // Ticks round down to 10 ms at each end and sample at the 4 ms scheduler tick.
            Assert.InRange(ticksNs, innerClockNs - 30 * OneMillisecondNs, outerClockNs + 30 * OneMillisecondNs);
        }
        finally
        {
            foreach (ProcessCpuReader reader in readers)
            {
                reader.Dispose();
            }

            TestSupport.KillAndReap(burner);
        }
    }

    /// <summary>Every reader once, then the first (the clock) again: values[^1] closes the bracket.</summary>
    private static long[] ReadAll(List<ProcessCpuReader> readers)
    {
        long[] values = new long[readers.Count + 1];
        for (int i = 0; i < readers.Count; i++)
        {
            Assert.Equal(ProcReadStatus.Ok, readers[i].TryReadCpuTimeNs(out values[i]));
        }

        Assert.Equal(ProcReadStatus.Ok, readers[0].TryReadCpuTimeNs(out values[^1]));
        return values;
    }

    private static byte ThreadState(int tid)
    {
        if (ProcFile.TryOpenTask(Environment.ProcessId, tid, "stat"u8, out ProcFile? stat) != ProcReadStatus.Ok)
        {
            return 0;
        }

        using (stat)
        {
            byte[] buffer = new byte[1024];
            return stat!.TryRead(buffer, out int length) == ProcReadStatus.Ok &&
                   PidStatParser.TryParse(buffer.AsSpan(0, length), out PidStat parsed) ? parsed.State : (byte)0;
        }
    }

    private static ulong ReadOnCpuNs(ProcFile file)
    {
        byte[] buffer = new byte[128];
        Assert.Equal(ProcReadStatus.Ok, file.TryRead(buffer, out int length));
        Assert.True(SchedstatParser.TryParseOnCpuNs(buffer.AsSpan(0, length), out ulong onCpuNs));
        return onCpuNs;
    }
}
