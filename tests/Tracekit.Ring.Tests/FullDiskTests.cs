using Tracekit.Ring.TestWriter;
using Tracekit.Testing;

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
}
