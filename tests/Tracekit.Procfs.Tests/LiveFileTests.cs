using System.Text;
using Tracekit.Native;

namespace Tracekit.Procfs.Tests;

/// <summary>ProcFile and the parsers on the live files of this machine.</summary>
public class LiveFileTests
{
    [Fact]
    public void ProcFile_KeptFdOfProcSelfStat_RereadsFreshContentAtOffsetZero()
    {
        Assert.Equal(ProcReadStatus.Ok, ProcFile.TryOpenPid(Environment.ProcessId, "stat"u8, out ProcFile? file));
        using (file)
        {
            byte[] buffer = new byte[1024];
            Assert.Equal(ProcReadStatus.Ok, file!.TryRead(buffer, out int first));
            Assert.True(PidStatParser.TryParse(buffer.AsSpan(0, first), out PidStat before));
            TestSupport.Burn(TimeSpan.FromMilliseconds(120));
            Assert.Equal(ProcReadStatus.Ok, file.TryRead(buffer, out int second));
            Assert.True(PidStatParser.TryParse(buffer.AsSpan(0, second), out PidStat after));

            Assert.Equal(Environment.ProcessId, after.Pid);
            Assert.Equal(before.StartTimeTicks, after.StartTimeTicks);
            Assert.True(after.CpuTicks > before.CpuTicks, "the second pread must see new CPU ticks, not a cached copy");
        }
    }

    [Fact]
    public void ProcFile_ReadOfSizeZeroProcFile_ReturnsContent()
    {
        Assert.Equal(0, new FileInfo("/proc/self/stat").Length);
        Assert.Equal(ProcReadStatus.Ok, TestSupport.ReadAll("/proc/meminfo", out byte[] content));
        Assert.True(content.Length > 100);
    }

    [Fact]
    public void ProcFile_TryReadGrowing_SmallBufferGrowsToWholeFile()
    {
        Assert.Equal(ProcReadStatus.Ok, ProcFile.TryOpen("/proc/self/mountinfo", out ProcFile? file));
        using (file)
        {
            byte[] buffer = new byte[8];
            Assert.Equal(ProcReadStatus.Ok, file!.TryReadGrowing(ref buffer, out int length));
            Assert.True(length < buffer.Length);
            Assert.EndsWith("\n", Encoding.UTF8.GetString(buffer, 0, length), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ProcFile_MissingPath_ReturnsVanishedWithEnoent()
    {
        Span<byte> path = stackalloc byte[64];
        int length = ProcPath.FromString(path, "/proc/does-not-exist");
        Assert.Equal(ProcReadStatus.Vanished, ProcFile.TryOpen(path[..length], out ProcFile? file, out int errno));
        Assert.Null(file);
        Assert.Equal(Libc.ErrnoValues.ENOENT, errno);
    }

    [Fact]
    public void ProcPath_TaskPath_FormatsWithTerminator()
    {
        Span<byte> path = stackalloc byte[ProcPath.MaxProcPathBytes];
        int length = ProcPath.FormatTask(path, 123, 2147483647, "schedstat"u8);
        Assert.Equal("/proc/123/task/2147483647/schedstat\0", Encoding.ASCII.GetString(path[..length]));
        Assert.Equal(-1, ProcPath.FormatPid(stackalloc byte[8], 123, "stat"u8));
    }

    [Fact]
    public void LiveParsers_HostFiles_ParseAndAgree()
    {
        Assert.Equal(ProcReadStatus.Ok, TestSupport.ReadAll("/proc/stat", out byte[] stat));
        var perCpu = new CpuTimesTicks[256];
        Assert.True(ProcStatParser.TryParse(stat, perCpu, out ProcStatSummary summary));
        Assert.Equal(Libc.GetOnlineProcessorCount(), summary.CpuRowCount);
        Assert.True(summary.BootTimeSeconds > 1_000_000_000);

        Assert.Equal(ProcReadStatus.Ok, TestSupport.ReadAll("/proc/meminfo", out byte[] meminfo));
        Assert.True(MemInfoParser.TryParse(meminfo, out MemInfoKb memInfo));
        Assert.True(memInfo.MemAvailableKb > 0 && memInfo.MemAvailableKb <= memInfo.MemTotalKb);

        Assert.Equal(ProcReadStatus.Ok, TestSupport.ReadAll("/proc/net/dev", out byte[] netDev));
        var cache = new InterfaceNameCache();
        var names = new List<string>();
        foreach (NetDevRow row in NetDevParser.Rows(netDev))
        {
            names.Add(cache.GetOrAdd(row.Name));
        }

        Assert.Contains("lo", names);

        Assert.Equal(ProcReadStatus.Ok, TestSupport.ReadAll("/proc/self/schedstat", out byte[] schedstat));
        Assert.True(SchedstatParser.TryParseOnCpuNs(schedstat, out ulong onCpuNs) && onCpuNs > 0);

        Assert.Equal(ProcReadStatus.Ok, TestSupport.ReadAll("/proc/self/cgroup", out byte[] cgroup));
        Assert.True(CgroupMembershipParser.TryFindUnifiedPath(cgroup, out _) ||
                    CgroupMembershipParser.TryFindControllerPath(cgroup, "cpuacct"u8, out _));
    }

    [Fact]
    public void NodeInfoReader_ThisHost_MatchesKernelFacts()
    {
        NodeInfo info = NodeInfoReader.Read();
        Assert.Equal(Environment.ProcessorCount, info.CpuCores);
        Assert.NotEqual("unknown", info.CpuModel);
        Assert.True(info.CpuMaxMhz > 0);
        Assert.Contains(info.CpuMaxMhzSource, new[] { "cpufreq", "cpuinfo" });
        Assert.True(info.MemTotalKb > 0);
        Assert.Equal(100, info.ClockTicksPerSecond);
        Assert.Equal(Environment.SystemPageSize, info.PageSizeInBytes);
        Assert.Contains(info.Interfaces, i => i.Name == "lo" && i.SpeedMbps is null);
    }

    [Fact]
    public void ReadInterfaceSpeedMbps_LoopbackEinval_ReturnsNull()
    {
        // lo's speed file fails with EINVAL: the reader must call that "unknown", not crash.
        Assert.Null(NodeInfoReader.ReadInterfaceSpeedMbps("lo"));
        Assert.Null(NodeInfoReader.ReadInterfaceSpeedMbps("no-such-interface"));
    }

    [Fact]
    public void ProcDirectory_ListProc_ContainsOwnPidAndRelistsAfterRewind()
    {
        Assert.Equal(ProcReadStatus.Ok, ProcDirectory.TryOpen("/proc", out ProcDirectory? directory));
        using (directory)
        {
            int[] pids = new int[65536];
            Assert.Equal(ProcReadStatus.Ok, directory!.TryListNumericEntries(pids, out int first));
            Assert.Contains(Environment.ProcessId, pids.AsSpan(0, first).ToArray());
            Assert.Equal(ProcReadStatus.Ok, directory.TryListNumericEntries(pids, out int second));
            Assert.True(second > 0 && Math.Abs(second - first) < 50, $"{first} then {second}");
        }
    }

    [Fact]
    public void SelfResourceUsage_AfterBurning_ReportsCpu()
    {
        Assert.True(Libc.TryGetSelfResourceUsage(out ResourceUsage usage));
        Assert.True(usage.UserTimeUs + usage.SystemTimeUs > 0);
        Assert.True(usage.MaxRssKb > 0);
        Assert.True(Libc.TryGetThreadResourceUsage(out _));
    }
}
