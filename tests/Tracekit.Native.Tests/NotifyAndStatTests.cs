using System.Text;

namespace Tracekit.Native.Tests;

public sealed class NotifyAndStatTests
{
    private static byte[] Nul(string path) => Encoding.UTF8.GetBytes(path + "\0");

    [Fact]
    public void TryDrainNotifications_FileCreatedAndDeleted_ReportsEachChangeOnce()
    {
        string dir = Directory.CreateTempSubdirectory("tk-inotify-").FullName;
        try
        {
            using var watch = Libc.TryWatchDirectoryEntries(Nul(dir), out int errno);
            Assert.True(watch is not null, $"inotify unavailable: errno {errno}");
            byte[] scratch = new byte[4096];
            Assert.Equal(0, Libc.TryDrainNotifications(watch!, scratch, out _));

            File.WriteAllText(Path.Combine(dir, "123"), "");
            Assert.Equal(1, Libc.TryDrainNotifications(watch!, scratch, out _));
            Assert.Equal(0, Libc.TryDrainNotifications(watch!, scratch, out _));

            File.Delete(Path.Combine(dir, "123"));
            Assert.Equal(1, Libc.TryDrainNotifications(watch!, scratch, out _));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TryDrainNotifications_WriteToExistingFile_IsNotAChange()
    {
        string dir = Directory.CreateTempSubdirectory("tk-inotify-").FullName;
        try
        {
            string file = Path.Combine(dir, "456");
            File.WriteAllText(file, "");
            using var watch = Libc.TryWatchDirectoryEntries(Nul(dir), out _);
            byte[] scratch = new byte[4096];
            File.AppendAllText(file, "content");
            Assert.Equal(0, Libc.TryDrainNotifications(watch!, scratch, out _));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TryWatchDirectoryEntries_MissingFolder_ReturnsNullWithErrno()
    {
        Assert.Null(Libc.TryWatchDirectoryEntries(Nul("/nonexistent-tracekit-folder"), out int errno));
        Assert.Equal(Libc.ErrnoValues.ENOENT, errno);
    }

    [Fact]
    public void TryGetLinkCount_ProcTaskDirectory_IsTwoPlusThreads()
    {
        using var task = Libc.TryOpenDirectory(Nul($"/proc/{Environment.ProcessId}/task"), out _);
        Assert.NotNull(task);
        Assert.True(Libc.TryGetLinkCount(task!, out uint links, out _));
        int threads = Directory.GetDirectories($"/proc/{Environment.ProcessId}/task").Length;
        // Threads may start or end between the two reads in a test host; a few either way is that, not an error.
        Assert.InRange((int)links - 2, threads - 3, threads + 3);
        Assert.True(links >= 3);
    }

    [Fact]
    public void TrySetCurrentThreadFifo_AsRootOnOwnThread_EntersAndLeavesRealtime()
    {
        bool entered = false, wasFifo = false, left = false, normalAfter = true;
        int errno = 0;
        var thread = new Thread(() =>
        {
            entered = Libc.TrySetCurrentThreadFifo(1, out errno);
            wasFifo = Libc.IsCurrentThreadFifo();
            left = Libc.TrySetCurrentThreadNormal(out _);
            normalAfter = !Libc.IsCurrentThreadFifo();
        });
        thread.Start();
        thread.Join();
        if (Environment.UserName != "root")
        {
            Assert.False(entered);
            Assert.Equal(Libc.ErrnoValues.EPERM, errno);
            return;
        }

        Assert.True(entered, $"errno {errno}");
        Assert.True(wasFifo);
        Assert.True(left);
        Assert.True(normalAfter);
        Assert.False(Libc.IsCurrentThreadFifo()); // the test's own thread was never touched
    }
}
