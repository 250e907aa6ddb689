using Microsoft.Win32.SafeHandles;

namespace Tracekit.Procfs.Tests;

/// <summary>
/// The per-tick paths allocate nothing once warmed up (measured with the thread's allocation counter, which is
/// exact, unlike timing). Each test warms the path first so one-time JIT and lazy statics are not counted.
/// </summary>
public class AllocationTests
{
    private const int Iterations = 200;

    [Fact]
    public void HostSampling_StatMeminfoNetDev_AllocatesNothing()
    {
        ProcFile.TryOpen("/proc/stat", out ProcFile? stat);
        ProcFile.TryOpen("/proc/meminfo", out ProcFile? meminfo);
        ProcFile.TryOpen("/proc/net/dev", out ProcFile? netDev);
        using (stat)
        using (meminfo)
        using (netDev)
        {
            byte[] buffer = new byte[64 * 1024];
            var perCpu = new CpuTimesTicks[64];
            var names = new InterfaceNameCache();
            long bytes = MeasureAllocatedBytes(() =>
            {
                stat!.TryReadGrowing(ref buffer, out int length);
                ProcStatParser.TryParse(buffer.AsSpan(0, length), perCpu, out _);
                meminfo!.TryRead(buffer, out length);
                MemInfoParser.TryParse(buffer.AsSpan(0, length), out _);
                netDev!.TryRead(buffer, out length);
                foreach (NetDevRow row in NetDevParser.Rows(buffer.AsSpan(0, length)))
                {
                    names.GetOrAdd(row.Name);
                }
            });
            Assert.Equal(0, bytes);
        }
    }

    [Theory]
    [InlineData(CpuTimeSource.ProcessCpuClock)]
    [InlineData(CpuTimeSource.TaskSchedstatSum)]
    [InlineData(CpuTimeSource.StatTicks)]
    public void ProcessCpuReader_SteadyState_AllocatesNothing(CpuTimeSource source)
    {
        // A process of its own, not the test host: the host's threads come and go with the tests running beside this
        // one, and a new thread is new files for the per-thread source to open, which is not the steady state.
        using var target = System.Diagnostics.Process.Start("sleep", "30")!;
        try
        {
            AssertReaderAllocatesNothing(target.Id, source);
        }
        finally
        {
            target.Kill();
            target.WaitForExit();
        }
    }

    private static void AssertReaderAllocatesNothing(int pid, CpuTimeSource source)
    {
        Assert.Equal(ProcReadStatus.Ok, ProcessCpuReader.TryOpen(pid, out ProcessCpuReader? reader, source));
        using (reader)
        {
            long bytes = MeasureAllocatedBytes(() =>
            {
                reader!.TryReadCpuTimeNs(out _);
                reader.TryReadStat(out _);
                reader.TryReadMemoryAndThreads(out _, out _);
            });
            Assert.Equal(0, bytes);
        }
    }

    [Fact]
    public void ListingAndChildren_SteadyState_AllocatesNothing()
    {
        ProcDirectory.TryOpen("/proc", out ProcDirectory? proc);
        ChildFinder.TryOpen(Environment.ProcessId, out ChildFinder? children);
        using ProcessExitWatcher watcher = ProcessExitWatcher.TryCreate(out _)!;
        using (proc)
        using (children)
        {
            int[] pids = new int[65536];
            int[] childPids = new int[64];
            ulong[] exited = new ulong[8];
            long bytes = MeasureAllocatedBytes(() =>
            {
                proc!.TryListNumericEntries(pids, out _);
                children!.TryListMainThreadChildren(childPids, out _);
                watcher.PollExited(exited);
            });
            Assert.Equal(0, bytes);
        }
    }

    [Fact]
    public void RandomAccessRead_ProcFile_AllocatesNothingButThrowsOnceProcessIsGone()
    {
        // Why ProcFile uses its own pread: RandomAccess.Read is allocation-free on success too, but it reports a
        // reaped process (ESRCH) by throwing, which the sampling path must not do for a routine event.
        using SafeFileHandle self = File.OpenHandle("/proc/self/stat");
        byte[] buffer = new byte[1024];
        Assert.Equal(0, MeasureAllocatedBytes(() => RandomAccess.Read(self, buffer, 0)));

        System.Diagnostics.Process sleeper = TestSupport.Start("/bin/sleep", "600");
        using SafeFileHandle other = File.OpenHandle($"/proc/{sleeper.Id}/stat");
        TestSupport.KillAndReap(sleeper);
        Assert.ThrowsAny<IOException>(() => RandomAccess.Read(other, buffer, 0));
    }

    private static long MeasureAllocatedBytes(Action action)
    {
        for (int i = 0; i < 20; i++)
        {
            action();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Iterations; i++)
        {
            action();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
