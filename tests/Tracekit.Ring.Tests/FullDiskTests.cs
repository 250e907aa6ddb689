using System.Diagnostics;
using Tracekit.Ring.TestWriter;

namespace Tracekit.Ring.Tests;

/// <summary>A 1 MiB tmpfs stands in for a full disk. Needs root (mount); skipped with the reason otherwise.</summary>
public sealed class FullDiskTests
{
    [SkippableFact]
    public void Create_RingLargerThanFreeSpace_FailsAtStartWithClearMessageAndNoFile()
    {
        using var dir = new TempDir();
        using var tmpfs = SmallTmpfs.Mount(dir.Sub("small"));
        string ringDir = Path.Combine(tmpfs.Path, "ring");

        IOException error = Assert.Throws<IOException>(() => RingWriter.Create(TestRing.Options(ringDir, capacity: 1024 * 1024)));

        string segment = Path.Combine(ringDir, "ring-000000.tkr");
        Assert.Contains(segment, error.Message);
        Assert.Contains("1,052,672 bytes", error.Message);       // what was requested: header + 1 MiB
        Assert.Contains("No space left on device", error.Message);
        Assert.Contains("bytes are free there", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(ringDir));     // no half file, no temporary file
    }

    [SkippableFact]
    public void TryAppend_DiskFillsDuringNoLossRun_DropsCountsAndKeepsWhatWasCommitted()
    {
        using var dir = new TempDir();
        using var tmpfs = SmallTmpfs.Mount(dir.Sub("small"));
        string ringDir = Path.Combine(tmpfs.Path, "ring");
        long accepted = 0, refused = 0;
        using (RingWriter writer = RingWriter.Create(TestRing.Options(ringDir, capacity: 64 * 1024)))
        {
            for (long s = 0; s < 40_000; s++)
            {
                if (writer.TryAppend(TestRing.Payload(0, s, 48))) { Assert.Equal(0, refused); accepted++; }
                else refused++;
            }
            Assert.True(refused > 0);
            Assert.Equal(refused, writer.DroppedRecords);
            Assert.Contains("No space left on device", writer.FullReason);
        }

        using RingReader reader = RingReader.Open(ringDir);
        long next = 0;
        while (reader.TryRead(out ReadOnlySpan<byte> payload) == RingReadStatus.Record)
        {
            Assert.True(TestPayload.IsIntact(payload, out _, out long sequence));
            Assert.Equal(next++, sequence);
        }
        Assert.Equal(accepted, next);
        Assert.Empty(reader.Damage);
        Assert.All(Directory.GetFileSystemEntries(ringDir), f => Assert.Matches(@"ring-\d{6}\.tkr$", f)); // no leftover temporary file
    }

    private sealed class SmallTmpfs : IDisposable
    {
        private SmallTmpfs(string path) => Path = path;

        public string Path { get; }

        public static SmallTmpfs Mount(string path)
        {
            Skip.IfNot(Environment.UserName == "root", "mounting a small tmpfs needs root; this test runs as root on CI");
            Directory.CreateDirectory(path);
            (int code, string message) = Run("mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", path);
            Skip.If(code != 0, $"cannot mount a tmpfs here (no CAP_SYS_ADMIN?): {message}");
            return new SmallTmpfs(path);
        }

        public void Dispose() => Run("umount", Path);

        private static (int Code, string Message) Run(string program, params string[] args)
        {
            var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string arg in args) start.ArgumentList.Add(arg);
            try
            {
                using Process process = Process.Start(start)!;
                string error = process.StandardError.ReadToEnd();
                process.WaitForExit();
                return (process.ExitCode, error.Trim());
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return (-1, e.Message);
            }
        }
    }
}
