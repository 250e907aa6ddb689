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

        // The least of three fresh segments: on a loaded machine a tier-up or a stub patched on this thread can add a
        // fault or two to one attempt (CI saw 3 once), never the ~20 of unprefaulted pages to all three.
        long faults = long.MaxValue;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            using RingWriter writer = RingWriter.Create(TestRing.Options(dir.Sub($"ring-{attempt}"), capacity: 1 << 20));
            faults = Math.Min(faults, OnOwnThread(() =>
            {
                Assert.True(writer.PrefaultAhead());
                return FaultsWhile(() => AppendMany(writer, Records));
            }));
        }

        Assert.True(faults <= 1, $"{faults} minor faults while appending into prefaulted pages (least of three)");
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
    public void PrefaultAhead_LongRun_ResidentPagesStayNearTheHeadAndNothingIsLost()
    {
        // 3 MiB of frames into a 4 MiB segment, prefaulting every 64 KiB as a collector does every tick: the mapping's
        // resident pages (smaps Rss) stay near the head, and every record reads back afterwards.
        using var dir = new TempDir();
        string ringDir = dir.Sub("ring");
        const int Count = 3 * 1024 * 1024 / 128;
        long rssKb;
        using (RingWriter writer = RingWriter.Create(TestRing.Options(ringDir, capacity: 4 << 20)))
        {
            for (long sequence = 0; sequence < Count; sequence++)
            {
                Assert.True(writer.TryAppend(TestRing.Payload(0, sequence, PayloadLength)));
                if (sequence % 512 == 0) writer.PrefaultAhead();
            }
            writer.PrefaultAhead();
            rssKb = MappingRssKb(writer.CurrentSegmentPath);
        }

        // Kept: 512 KiB behind the head, up to 128 KiB ahead, the header page, and up to one window not yet released.
        Assert.InRange(rssKb, 1, 512 + 128 + 128 + 4 + 64);
        List<byte[]> records = TestRing.ReadAll(ringDir, out var damage);
        Assert.Empty(damage);
        Assert.Equal(Count, records.Count);
        Assert.Equal(TestRing.Payload(0, 0, PayloadLength), records[0]);
        Assert.Equal(TestRing.Payload(0, Count - 1, PayloadLength), records[^1]);
    }

    [Fact]
    public void TryAppend_LongRunWithoutPrefault_EveryWrittenPageResident()
    {
        // The control for the test above: without PrefaultAhead the same writes leave ~3 MiB resident.
        using var dir = new TempDir();
        using RingWriter writer = RingWriter.Create(TestRing.Options(dir.Sub("ring"), capacity: 4 << 20));
        for (long sequence = 0; sequence < 3 * 1024 * 1024 / 128; sequence++) Assert.True(writer.TryAppend(TestRing.Payload(0, sequence, PayloadLength)));
        Assert.True(MappingRssKb(writer.CurrentSegmentPath) >= 3 * 1024 - 64);
    }

    /// <summary>
    /// The Rss of this process's mappings of files in <paramref name="segmentPath"/>'s folder, from /proc/self/smaps.
    /// By folder, not name: a segment is mapped under a temporary name before it is linked to its final one, so
    /// smaps shows the temporary name, "(deleted)".
    /// </summary>
    private static long MappingRssKb(string segmentPath)
    {
        string folder = Path.GetDirectoryName(segmentPath)! + "/";
        long total = 0;
        bool inMapping = false;
        foreach (string line in File.ReadLines("/proc/self/smaps"))
        {
            if (IsMappingHeader(line))
            {
                inMapping = line.Contains(folder, StringComparison.Ordinal);
                continue;
            }
            if (inMapping && line.StartsWith("Rss:", StringComparison.Ordinal))
                total += long.Parse(line.AsSpan(4).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        return total;
    }

    /// <summary>"7f12…-7f34… rw-s 00000000 fd:01 123 /path": the first field is an address range.</summary>
    private static bool IsMappingHeader(string line)
    {
        int space = line.IndexOf(' ');
        return space > 0 && line.AsSpan(0, space).IndexOf('-') > 0 && !line.AsSpan(0, space).ContainsAnyExcept("0123456789abcdef-");
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
