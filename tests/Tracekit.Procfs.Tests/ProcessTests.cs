using System.Diagnostics;
using System.Text;
using Tracekit.Native;

namespace Tracekit.Procfs.Tests;

/// <summary>Readers against real processes: odd names, exit, PID reuse, children.</summary>
public sealed class ProcessTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tracekit-procfs-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("a b) (c")]
    [InlineData("nl\nx) (y")]
    public void TryReadStat_RealProcessWithOddName_ParsesCommAndFields(string name)
    {
        string program = Path.Combine(_directory, name);
        File.Copy("/bin/sleep", program);
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        Process process = TestSupport.Start(program, "600");
        try
        {
            Assert.Equal(ProcReadStatus.Ok, ProcessCpuReader.TryOpen(process.Id, out ProcessCpuReader? reader));
            using (reader)
            {
                Assert.Equal(ProcReadStatus.Ok, reader!.TryReadStat(out PidStat stat, out ReadOnlySpan<byte> comm));
                Assert.Equal(name, Encoding.UTF8.GetString(comm));
                Assert.Equal(process.Id, stat.Pid);
                Assert.Equal(Environment.ProcessId, stat.ParentPid);
                Assert.Equal(1, stat.ThreadCount);
                // Right after exec the new image may not have faulted its pages in yet.
                Assert.True(TestSupport.WaitUntil(() => reader.TryReadStat(out PidStat later) == ProcReadStatus.Ok && later.RssPages > 0, TimeSpan.FromSeconds(5)));
                Assert.Equal(reader.StartTimeTicks, stat.StartTimeTicks);
            }
        }
        finally
        {
            TestSupport.KillAndReap(process);
        }
    }

    [Fact]
    public void ProcFile_KeptFdAfterExit_ZombieThenVanishedWithoutException()
    {
        Process process = TestSupport.Start("/bin/sleep", "600");
        int pid = process.Id;
        Assert.Equal(ProcReadStatus.Ok, ProcFile.TryOpenPid(pid, "stat"u8, out ProcFile? stat));
        Assert.Equal(ProcReadStatus.Ok, ProcFile.TryOpenTask(pid, pid, "schedstat"u8, out ProcFile? schedstat));
        using (stat)
        using (schedstat)
        {
            byte[] buffer = new byte[1024];
            TestSupport.KillAndReap(process);

            Assert.Equal(ProcReadStatus.Vanished, stat!.TryRead(buffer, out int length));
            Assert.Equal(0, length);
            Assert.Equal(Libc.ErrnoValues.ESRCH, stat.LastErrno);
            Assert.Equal(ProcReadStatus.Vanished, schedstat!.TryRead(buffer, out _));
            Assert.Equal(ProcReadStatus.Vanished, ProcFile.TryOpenPid(pid, "stat"u8, out ProcFile? reopened));
            Assert.Null(reopened);
        }
    }

    [Fact]
    public void ProcessCpuReader_ProcessExitedNotReaped_ReportsVanishedAndStatShowsZombie()
    {
        // The shell forks the sleep, then execs a second sleep that never waits for children: killed, the first one
        // stays a zombie. The kill waits until the exec is seen (the parent's comm is "sleep"), because a shell still
        // between commands reaps a child that has died: dash did in 12 of 40 tries when the kill followed the echo.
        var startInfo = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("sleep 600 & echo $!; exec sleep 600");
        using Process parent = Process.Start(startInfo)!;
        try
        {
            int pid = int.Parse(parent.StandardOutput.ReadLine()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(TestSupport.WaitUntil(() => TestSupport.Comm(parent.Id) == "sleep", TimeSpan.FromSeconds(10)),
                $"the shell {parent.Id} did not exec sleep");
            Assert.Equal(ProcReadStatus.Ok, ProcessCpuReader.TryOpen(pid, out ProcessCpuReader? reader));
            using (reader)
            {
                Assert.Equal(CpuTimeSource.ProcessCpuClock, reader!.Source);
                Assert.Equal(ProcReadStatus.Ok, reader.TryReadCpuTimeNs(out _));
                using (Process sleeper = Process.GetProcessById(pid))
                {
                    sleeper.Kill();
                }

                Assert.True(TestSupport.WaitUntil(
                    () => reader.TryReadStat(out PidStat zombie) == ProcReadStatus.Ok && zombie.State == (byte)'Z',
                    TimeSpan.FromSeconds(10)), $"pid {pid} did not become a zombie");
                Assert.Equal(ProcReadStatus.Vanished, reader.TryReadCpuTimeNs(out _));
                Assert.True(reader.TryReadStat(out PidStat stat) == ProcReadStatus.Ok && stat.StartTimeTicks == reader.StartTimeTicks);
            }
        }
        finally
        {
            parent.Kill(); // the zombie goes to init, which reaps it
            parent.WaitForExit();
        }
    }

    [Theory]
    [InlineData(CpuTimeSource.ProcessCpuClock)]
    [InlineData(CpuTimeSource.TaskSchedstatSum)]
    [InlineData(CpuTimeSource.StatTicks)]
    public void ProcessCpuReader_ReapedProcess_EverySourceReportsVanished(CpuTimeSource source)
    {
        Process process = TestSupport.Start("/bin/sleep", "600");
        Assert.Equal(ProcReadStatus.Ok, ProcessCpuReader.TryOpen(process.Id, out ProcessCpuReader? reader, source));
        using (reader)
        {
            Assert.Equal(source, reader!.Source);
            Assert.Equal(ProcReadStatus.Ok, reader.TryReadCpuTimeNs(out long cpuNs));
            Assert.True(cpuNs >= 0);
            TestSupport.KillAndReap(process);
            Assert.Equal(ProcReadStatus.Vanished, reader.TryReadCpuTimeNs(out _));
            Assert.Equal(ProcReadStatus.Vanished, reader.TryReadStat(out _));
        }
    }

    [SkippableFact]
    public void ProcessCpuReader_PidReused_OldReaderVanishedNewReaderHasOtherStartTime()
    {
        Skip.IfNot(TestSupport.IsRoot, "forcing a PID through /proc/sys/kernel/ns_last_pid needs root");
        Skip.IfNot(File.Exists("/proc/sys/kernel/ns_last_pid"), "kernel without ns_last_pid");

        for (int attempt = 0; attempt < 10; attempt++)
        {
            Process first = TestSupport.Start("/bin/sleep", "600");
            int pid = first.Id;
            Assert.Equal(ProcReadStatus.Ok, ProcessCpuReader.TryOpen(pid, out ProcessCpuReader? oldReader));
            using (oldReader)
            {
                Thread.Sleep(30); // so the new process starts at least one 10 ms tick later
                TestSupport.KillAndReap(first);
                File.WriteAllText("/proc/sys/kernel/ns_last_pid", (pid - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                Process second = TestSupport.Start("/bin/sleep", "600");
                try
                {
                    if (second.Id != pid)
                    {
                        continue; // another fork on the machine took the PID first: try again.
                    }

                    Assert.Equal(ProcReadStatus.Vanished, oldReader!.TryReadStat(out _));
                    Assert.Equal(ProcReadStatus.Vanished, oldReader.TryReadCpuTimeNs(out _));
                    Assert.True(Libc.TryGetProcessCpuTimeNs(pid, out _, out _), "the bare clock now answers for the new process");
                    Assert.Equal(ProcReadStatus.Ok, ProcessCpuReader.TryOpen(pid, out ProcessCpuReader? newReader));
                    using (newReader)
                    {
                        Assert.NotEqual(oldReader.StartTimeTicks, newReader!.StartTimeTicks);
                    }

                    return;
                }
                finally
                {
                    TestSupport.KillAndReap(second);
                }
            }
        }

        Skip.If(true, "could not get the same PID twice in 10 attempts (busy machine)");
    }

    [Fact]
    public void ProcessExitWatcher_TwoProcessesOneKilled_ReportsOnlyThatToken()
    {
        Process keep = TestSupport.Start("/bin/sleep", "600");
        Process kill = TestSupport.Start("/bin/sleep", "600");
        using ProcessExitWatcher watcher = ProcessExitWatcher.TryCreate(out _)!;
        Assert.Equal(ProcReadStatus.Ok, ProcessCpuReader.TryOpen(keep.Id, out ProcessCpuReader? keepReader));
        Assert.Equal(ProcReadStatus.Ok, ProcessCpuReader.TryOpen(kill.Id, out ProcessCpuReader? killReader));
        using (keepReader)
        using (killReader)
        {
            Assert.True(watcher.TryAdd(keepReader!.Pidfd!, 1));
            Assert.True(watcher.TryAdd(killReader!.Pidfd!, 2));
            Span<ulong> exited = stackalloc ulong[8];
            Assert.Equal(0, watcher.PollExited(exited));

            TestSupport.KillAndReap(kill);
            Assert.Equal(1, watcher.PollExited(exited));
            Assert.Equal(2UL, exited[0]);
            Assert.True(watcher.TryRemove(killReader.Pidfd!));
            Assert.Equal(0, watcher.PollExited(exited));
        }

        TestSupport.KillAndReap(keep);
    }

    [Fact]
    public void ChildFinder_ShellWithTwoChildren_ListsBoth()
    {
        Assert.True(ChildFinder.IsChildrenFileSupported, "CONFIG_PROC_CHILDREN is set on the reference kernel");
        Process shell = TestSupport.Start("/bin/sh", "-c", "sleep 600 & sleep 600 & wait");
        try
        {
            Assert.Equal(ProcReadStatus.Ok, ChildFinder.TryOpen(shell.Id, out ChildFinder? finder));
            using (finder)
            {
                int[] children = new int[8];
                int count = 0;
                Assert.True(TestSupport.WaitUntil(
                    () => finder!.TryListMainThreadChildren(children, out count) == ProcReadStatus.Ok && count == 2,
                    TimeSpan.FromSeconds(5)));
                Assert.Equal(ProcReadStatus.Ok, finder!.TryListAllChildren(children, out int allCount));
                Assert.Equal(2, allCount);

                using ProcessTableScanner scanner = OpenScanner();
                int[] scanned = new int[8];
                int[] parents = new int[8];
                int found = scanner.FindChildren([shell.Id], scanned, parents);
                Assert.Equal(2, found);
                Assert.Equal(children.AsSpan(0, 2).ToArray().Order(), scanned.AsSpan(0, 2).ToArray().Order());
                Assert.All(parents.AsSpan(0, 2).ToArray(), p => Assert.Equal(shell.Id, p));
            }
        }
        finally
        {
            TestSupport.KillAndReap(shell);
        }
    }

    [Fact]
    public void ChildFinder_ChildForkedByNonMainThread_FoundOnlyByAllThreads()
    {
        // Our own process: a worker thread starts a child, so the child hangs off that thread's children file.
        // The worker stays alive until the listing is done: when a thread exits, the kernel moves its children to
        // another thread, and a listing that races with that move can miss the child (the children file is only
        // exact for children that do not move while it is read).
        Process? child = null;
        using var started = new ManualResetEventSlim();
        using var listed = new ManualResetEventSlim();
        var worker = new Thread(() =>
        {
            child = TestSupport.Start("/bin/sleep", "600");
            started.Set();
            listed.Wait(TimeSpan.FromSeconds(30));
        });
        worker.Start();
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
        try
        {
            Assert.Equal(ProcReadStatus.Ok, ChildFinder.TryOpen(Environment.ProcessId, out ChildFinder? finder));
            using (finder)
            {
                int[] children = new int[256];
                Assert.Equal(ProcReadStatus.Ok, finder!.TryListAllChildren(children, out int count));
                Assert.Contains(child!.Id, children.AsSpan(0, Math.Min(count, children.Length)).ToArray());
            }
        }
        finally
        {
            listed.Set();
            worker.Join();
            TestSupport.KillAndReap(child!);
        }
    }

    private static ProcessTableScanner OpenScanner()
    {
        Assert.Equal(ProcReadStatus.Ok, ProcessTableScanner.TryOpen(out ProcessTableScanner? scanner));
        return scanner!;
    }
}
