using System.Text;

namespace Tracekit.Procfs.Tests;

/// <summary>Parsers against files captured on the reference machine, with the values read off by hand.</summary>
public class ParserSampleTests
{
    [Fact]
    public void ProcStat_CapturedSample_ReadsTotalPerCpuAndBtime()
    {
        var perCpu = new CpuTimesTicks[4];
        Assert.True(ProcStatParser.TryParse(TestSupport.Sample("proc-stat.txt"), perCpu, out ProcStatSummary summary));

        Assert.Equal(-1, summary.Total.CpuId);
        Assert.Equal(45649UL, summary.Total.User);
        Assert.Equal(8763UL, summary.Total.System);
        Assert.Equal(185022UL, summary.Total.Idle);
        Assert.Equal(568UL, summary.Total.IoWait);
        Assert.Equal(259UL, summary.Total.SoftIrq);
        Assert.Equal(485UL, summary.Total.Steal);
        Assert.Equal(2, summary.CpuRowCount);
        Assert.Equal(1, perCpu[1].CpuId);
        Assert.Equal(24832UL, perCpu[1].User);
        Assert.Equal(89898UL, perCpu[1].Idle);
        Assert.Equal(1795630924L, summary.BootTimeSeconds);
        Assert.Equal(1207092UL, summary.ContextSwitches);
        Assert.Equal(10494UL, summary.ForksSinceBoot);
        Assert.Equal(5, summary.ProcsRunning);
        Assert.Equal(45649UL + 8763 + 185022 + 568 + 259 + 485, summary.Total.TotalTicks);
    }

    [Fact]
    public void ProcStat_MoreCpuRowsThanSpan_CountsAllStoresFirst()
    {
        var perCpu = new CpuTimesTicks[1];
        Assert.True(ProcStatParser.TryParse(TestSupport.Sample("proc-stat.txt"), perCpu, out ProcStatSummary summary));
        Assert.Equal(2, summary.CpuRowCount);
        Assert.Equal(0, perCpu[0].CpuId);
    }

    [Fact]
    public void ProcStat_OldKernelFourColumns_MissingColumnsReadZero()
    {
        byte[] content = TestSupport.Ascii("cpu  10 20 30 40\ncpu0 10 20 30 40\nbtime 5\n");
        Assert.True(ProcStatParser.TryParse(content, new CpuTimesTicks[2], out ProcStatSummary summary));
        Assert.Equal(40UL, summary.Total.Idle);
        Assert.Equal(0UL, summary.Total.Steal);
        Assert.Equal(100UL, summary.Total.TotalTicks);
    }

    [Fact]
    public void ProcStat_NoAggregateRow_ReturnsFalse()
    {
        Assert.False(ProcStatParser.TryParse(TestSupport.Ascii("cpu0 1 2 3 4\nbtime 5\n"), new CpuTimesTicks[2], out _));
    }

    [Fact]
    public void MemInfo_CapturedSample_ReadsAllSevenFields()
    {
        Assert.True(MemInfoParser.TryParse(TestSupport.Sample("meminfo.txt"), out MemInfoKb memInfo));
        Assert.Equal(24683656L, memInfo.MemTotalKb);
        Assert.Equal(24078140L, memInfo.MemFreeKb);
        Assert.Equal(24303068L, memInfo.MemAvailableKb);
        Assert.Equal(5908L, memInfo.BuffersKb);
        Assert.Equal(392964L, memInfo.CachedKb);
        Assert.Equal(0L, memInfo.SwapTotalKb);
        Assert.Equal(0L, memInfo.SwapFreeKb);
    }

    [Fact]
    public void MemInfo_SwapCachedLine_DoesNotOverwriteCached()
    {
        byte[] content = TestSupport.Ascii("MemTotal: 100 kB\nMemFree: 50 kB\nCached: 7 kB\nSwapCached: 9 kB\n");
        Assert.True(MemInfoParser.TryParse(content, out MemInfoKb memInfo));
        Assert.Equal(7L, memInfo.CachedKb);
        Assert.Equal(-1L, memInfo.MemAvailableKb);
    }

    [Fact]
    public void NetDev_CapturedSample_ReadsEveryInterface()
    {
        var names = new List<string>();
        NetDevCounters eth0 = default;
        foreach (NetDevRow row in NetDevParser.Rows(TestSupport.Sample("net-dev.txt")))
        {
            string name = Encoding.ASCII.GetString(row.Name);
            names.Add(name);
            if (name == "eth0")
            {
                eth0 = row.Counters;
            }
        }

        Assert.Equal(["lo", "ifb0", "ifb1", "eth0"], names);
        Assert.Equal(333030742UL, eth0.RxBytes);
        Assert.Equal(7448UL, eth0.RxPackets);
        Assert.Equal(389373UL, eth0.TxBytes);
        Assert.Equal(5196UL, eth0.TxPackets);
    }

    [Fact]
    public void NetDev_CounterTouchingColon_SplitsAtLastColon()
    {
        byte[] content = TestSupport.Ascii(
            "h1\nh2\n  eth0:12345678901234 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19\nv:x: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n");
        var enumerator = NetDevParser.Rows(content);
        Assert.True(enumerator.MoveNext());
        Assert.Equal("eth0", Encoding.ASCII.GetString(enumerator.Name));
        Assert.Equal(12345678901234UL, enumerator.Counters.RxBytes);
        Assert.Equal(12UL, enumerator.Counters.TxBytes);
        Assert.Equal(15UL, enumerator.Counters.TxDropped);
        Assert.True(enumerator.MoveNext());
        Assert.Equal("v:x", Encoding.ASCII.GetString(enumerator.Name));
        Assert.False(enumerator.MoveNext());
    }

    [Fact]
    public void NetDev_ShortRow_SkippedAndCounted()
    {
        var enumerator = NetDevParser.Rows(TestSupport.Ascii("  eth0: 1 2 3\n    lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"));
        Assert.True(enumerator.MoveNext());
        Assert.Equal("lo", Encoding.ASCII.GetString(enumerator.Name));
        Assert.Equal(1, enumerator.MalformedRowCount);
    }

    [Fact]
    public void InterfaceNameCache_SameBytes_ReturnsSameInstance()
    {
        var cache = new InterfaceNameCache(capacity: 2);
        string first = cache.GetOrAdd("eth0"u8);
        string second = cache.GetOrAdd("eth0"u8);
        Assert.Same(first, second);
        Assert.Equal("eth0", first);
        Assert.NotSame(first, cache.GetOrAdd("lo"u8));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void InterfaceNameCache_Full_ReplacesOldestInsteadOfGrowing()
    {
        var cache = new InterfaceNameCache(capacity: 2);
        cache.GetOrAdd("a"u8);
        cache.GetOrAdd("b"u8);
        cache.GetOrAdd("c"u8);
        Assert.Equal(2, cache.Count);
        Assert.Equal("c", cache.GetOrAdd("c"u8));
    }

    [Fact]
    public void PidStat_CapturedBashSample_ReadsFields()
    {
        Assert.True(PidStatParser.TryParse(TestSupport.Sample("pid-stat-bash.txt"), out PidStat stat, out ReadOnlySpan<byte> comm));
        Assert.Equal("bash", Encoding.ASCII.GetString(comm));
        Assert.Equal(2844, stat.Pid);
        Assert.Equal((byte)'S', stat.State);
        Assert.Equal(2843, stat.ParentPid);
        Assert.Equal(6UL, stat.UserTicks);
        Assert.Equal(18UL, stat.SystemTicks);
        Assert.Equal(11660L, stat.ChildrenUserTicks);
        Assert.Equal(1, stat.ThreadCount);
        Assert.Equal(45541UL, stat.StartTimeTicks);
        Assert.Equal(5447680UL, stat.VirtualSizeInBytes);
        Assert.Equal(1035L, stat.RssPages);
    }

    [Fact]
    public void PidStat_CapturedZombieSample_StateZKeepsStartTime()
    {
        Assert.True(PidStatParser.TryParse(TestSupport.Sample("pid-stat-zombie.txt"), out PidStat stat));
        Assert.Equal((byte)'Z', stat.State);
        Assert.Equal(120723UL, stat.StartTimeTicks);
        Assert.Equal(0L, stat.RssPages);
    }

    [Theory]
    [InlineData("a b) (c")]
    [InlineData("x\ny) z")]
    [InlineData(")")]
    [InlineData("(")]
    [InlineData("")]
    public void PidStat_OddComm_ParsesAfterLastParenthesis(string name)
    {
        string line = $"4242 ({name}) R 1 4242 4242 0 -1 4194304 1 0 0 0 7 3 0 0 20 0 2 0 999 8192 12 18446744073709551615\n";
        Assert.True(PidStatParser.TryParse(TestSupport.Ascii(line), out PidStat stat, out ReadOnlySpan<byte> comm));
        Assert.Equal(name, Encoding.UTF8.GetString(comm));
        Assert.Equal((byte)'R', stat.State);
        Assert.Equal(7UL, stat.UserTicks);
        Assert.Equal(3UL, stat.SystemTicks);
        Assert.Equal(2, stat.ThreadCount);
        Assert.Equal(999UL, stat.StartTimeTicks);
        Assert.Equal(12L, stat.RssPages);
    }

    [Fact]
    public void PidStat_NegativePriority_Parses()
    {
        byte[] line = TestSupport.Ascii("7 (rt) S 1 7 7 0 -1 0 0 0 0 0 1 2 -3 -4 -51 0 1 0 5 0 3\n");
        Assert.True(PidStatParser.TryParse(line, out PidStat stat));
        Assert.Equal(-3L, stat.ChildrenUserTicks);
        Assert.Equal(3L, stat.RssPages);
    }

    [Fact]
    public void PidStat_TruncatedBeforeRss_ReturnsFalse()
    {
        Assert.False(PidStatParser.TryParse(TestSupport.Ascii("7 (x) S 1 7 7 0 -1 0 0 0 0 0 1 2 3 4 20 0 1 0 5 0"), out _));
    }

    [Fact]
    public void Schedstat_CapturedSample_ReadsThreeFields()
    {
        Assert.True(SchedstatParser.TryParse(TestSupport.Sample("pid-schedstat.txt"), out ulong onCpuNs, out ulong waitNs, out ulong slices));
        Assert.Equal(247615427UL, onCpuNs);
        Assert.Equal(47517501UL, waitNs);
        Assert.Equal(441UL, slices);
    }

    [Fact]
    public void CgroupMembership_CapturedHybridSample_FindsV1AndV2Paths()
    {
        byte[] content = TestSupport.Sample("pid-cgroup-hybrid.txt");
        Assert.True(CgroupMembershipParser.TryFindUnifiedPath(content, out ReadOnlySpan<byte> unified));
        Assert.Equal("/", Encoding.ASCII.GetString(unified));
        Assert.True(CgroupMembershipParser.TryFindControllerPath(content, "memory"u8, out ReadOnlySpan<byte> memory));
        Assert.Equal("/process_api/37bedb882aae8df092a990ef380700e7", Encoding.ASCII.GetString(memory));
        Assert.False(CgroupMembershipParser.TryFindControllerPath(content, "systemd"u8, out _));
    }

    [Fact]
    public void CgroupMembership_CombinedControllersAndColonInPath_MatchesWholeName()
    {
        byte[] content = TestSupport.Ascii("3:cpu,cpuacct:/a:b\n2:cpuset:/x\n0::/user.slice/c:d\n");
        Assert.True(CgroupMembershipParser.TryFindControllerPath(content, "cpuacct"u8, out ReadOnlySpan<byte> cpuacct));
        Assert.Equal("/a:b", Encoding.ASCII.GetString(cpuacct));
        Assert.False(CgroupMembershipParser.TryFindControllerPath(content, "cpua"u8, out _));
        Assert.True(CgroupMembershipParser.TryFindUnifiedPath(content, out ReadOnlySpan<byte> unified));
        Assert.Equal("/user.slice/c:d", Encoding.ASCII.GetString(unified));
    }

    [Fact]
    public void CgroupCpuStat_CapturedSample_ReadsUsage()
    {
        Assert.True(CgroupFileParser.TryParseCpuStat(TestSupport.Sample("cgroup2-cpu.stat.txt"), out CgroupCpuStat stat));
        Assert.Equal(546740955UL, stat.UsageUs);
        Assert.Equal(456504807UL, stat.UserUs);
        Assert.Equal(90236148UL, stat.SystemUs);
    }

    [Theory]
    [InlineData("max\n", ulong.MaxValue, true)]
    [InlineData("9223372036854771712\n", ulong.MaxValue, true)]
    [InlineData("104857600\n", 104857600UL, false)]
    public void CgroupLimit_V1AndV2Forms_ReportUnlimited(string text, ulong expectedBytes, bool expectedUnlimited)
    {
        Assert.True(CgroupFileParser.TryParseLimit(TestSupport.Ascii(text), out ulong limit, out bool unlimited));
        Assert.Equal(expectedBytes, limit);
        Assert.Equal(expectedUnlimited, unlimited);
    }

    [Fact]
    public void CgroupMounts_CapturedHybridMountinfo_FindsV1ControllersAndUnified()
    {
        CgroupMounts mounts = CgroupMounts.Parse(TestSupport.Sample("mountinfo.txt"));
        Assert.Equal("/sys/fs/cgroup/unified", mounts.Unified?.MountPoint);
        Assert.Equal("/sys/fs/cgroup/cpuacct", mounts.FindV1("cpuacct")?.MountPoint);
        Assert.Equal("/sys/fs/cgroup/memory", mounts.FindV1("memory")?.MountPoint);
        Assert.Null(mounts.FindV1("name=systemd"));
        Assert.Equal("/sys/fs/cgroup/memory/a/b", CgroupMounts.Resolve(mounts.FindV1("memory")!, "/a/b"));
    }

    [Fact]
    public void CgroupMounts_ContainerRootAndEscapedSpace_ResolvesRelativeToRoot()
    {
        byte[] line = TestSupport.Ascii("50 40 0:9 /kubepods/pod1 /sys/fs/cgroup\\040x rw - cgroup2 cgroup2 rw\n");
        CgroupMount unified = CgroupMounts.Parse(line).Unified!;
        Assert.Equal("/sys/fs/cgroup x", unified.MountPoint);
        Assert.Equal("/sys/fs/cgroup x/c1", CgroupMounts.Resolve(unified, "/kubepods/pod1/c1"));
    }

    [Fact]
    public void CpuInfo_CapturedSample_ReadsModelCountAndMhz()
    {
        Assert.True(CpuInfoParser.TryParse(TestSupport.Sample("cpuinfo.txt"), out ReadOnlySpan<byte> model, out int count, out double mhz));
        Assert.Equal("AMD EPYC", Encoding.ASCII.GetString(model));
        Assert.Equal(2, count);
        Assert.Equal(2445.406, mhz, precision: 3);
    }

    [Fact]
    public void ChildrenFile_SpaceSeparatedPids_ParsesAll()
    {
        Span<int> pids = stackalloc int[1];
        int count = 0;
        Assert.True(ChildrenFileParser.TryParse("12 345 "u8, pids, ref count));
        Assert.Equal(2, count);
        Assert.Equal(12, pids[0]);
        count = 0;
        Assert.False(ChildrenFileParser.TryParse("12 x"u8, pids, ref count));
    }
}
