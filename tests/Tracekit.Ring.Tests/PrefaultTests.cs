using Tracekit.Native;

namespace Tracekit.Ring.Tests;

/// <summary>
/// RingWriter.PrefaultAhead: the pages after the head are made writable in one call, so that appends into them
/// take no page fault, and nothing in the ring changes. Faults are counted per thread (getrusage RUSAGE_THREAD) on
/// a thread that allocates nothing while it appends, so other tests running in parallel cannot disturb the count.
/// </summary>
public sealed class PrefaultTests
{
    private const int PayloadLength = 112; // 128-byte frames: 32 per 4 KiB page
    private const int Records = 640; // 80 KiB: 20 pages, inside one 128 KiB prefault window

    [Fact]
    public void PrefaultAhead_FreshSegment_AppendsTakeNoPageFault()
    {
        using var dir = new TempDir();
        using RingWriter writer = RingWriter.Create(TestRing.Options(dir.Sub("ring"), capacity: 1 << 20));

        long faults = OnOwnThread(() =>
        {
            Assert.True(writer.PrefaultAhead());
            return FaultsWhile(() => AppendMany(writer, Records));
        });

        Assert.True(faults <= 1, $"{faults} minor faults while appending into prefaulted pages");
    }

    [Fact]
    public void TryAppend_WithoutPrefault_FaultsAboutOncePerPage()
    {
        // The control for the test above: the same appends do fault when nothing prefaulted them, so a count of
        // zero there means the prefault worked and not that this way of counting sees no fault.
        using var dir = new TempDir();
        using RingWriter writer = RingWriter.Create(TestRing.Options(dir.Sub("ring"), capacity: 1 << 20));

        long faults = OnOwnThread(() => FaultsWhile(() => AppendMany(writer, Records)));

        Assert.True(faults >= 15, $"only {faults} minor faults while appending 20 fresh pages");
    }

    [Theory]
    [InlineData(RingPolicy.NoLoss)]
    [InlineData(RingPolicy.Overwrite)]
    public void PrefaultAhead_EveryFewAppends_RecordsReadBackIntact(RingPolicy policy)
    {
        // A 64 KiB ring: the 16 KiB window is refilled often, reaches the end of a no-loss segment (it must stop
        // there) and wraps around an overwrite ring (it must split its range at the end).
        using var dir = new TempDir();
        string ringDir = dir.Sub("ring");
        int written = 0;
        using (RingWriter writer = RingWriter.Create(TestRing.Options(ringDir, capacity: 64 * 1024, policy: policy)))
        {
            for (long sequence = 0; sequence < 3000; sequence++)
            {
                if (!writer.TryAppend(TestRing.Payload(0, sequence, PayloadLength))) break;
                written++;
                if (sequence % 7 == 0) writer.PrefaultAhead();
            }
        }

        List<byte[]> records = TestRing.ReadAll(ringDir, out var damage);
        Assert.Empty(damage);
        Assert.NotEmpty(records);
        long first = written - records.Count;
        for (int i = 0; i < records.Count; i++) Assert.Equal(TestRing.Payload(0, first + i, PayloadLength), records[i]);
    }

    [Fact]
    public void PrefaultAhead_AfterDispose_ReturnsFalse()
    {
        using var dir = new TempDir();
        RingWriter writer = RingWriter.Create(TestRing.Options(dir.Sub("ring")));
        writer.Dispose();
        Assert.False(writer.PrefaultAhead());
    }

    private static void AppendMany(RingWriter writer, int count)
    {
        byte[] payload = TestRing.Payload(0, 1, PayloadLength);
        for (int i = 0; i < count; i++) Assert.True(writer.TryAppend(payload));
    }

    private static long FaultsWhile(Action action)
    {
        Assert.True(Libc.TryGetThreadResourceUsage(out ResourceUsage before));
        action();
        Assert.True(Libc.TryGetThreadResourceUsage(out ResourceUsage after));
        return after.MinorFaults + after.MajorFaults - before.MinorFaults - before.MajorFaults;
    }

    private static long OnOwnThread(Func<long> body)
    {
        long result = 0;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try { result = body(); }
            catch (Exception e) { error = e; }
        });
        thread.Start();
        thread.Join();
        if (error is not null) throw new Xunit.Sdk.XunitException($"test thread failed: {error}");
        return result;
    }
}
