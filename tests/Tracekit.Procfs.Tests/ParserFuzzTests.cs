namespace Tracekit.Procfs.Tests;

/// <summary>
/// Every parser against random bytes, every truncation of a real sample and single-byte mutations of it. A parser
/// must return (true or false) and never throw; a cut sample must never parse into a larger value than the whole.
/// </summary>
public class ParserFuzzTests
{
    private const int RandomCases = 3000;

    public static TheoryData<string> SampleNames => new()
    {
        "proc-stat.txt", "meminfo.txt", "net-dev.txt", "pid-stat-bash.txt", "pid-stat-zombie.txt", "pid-schedstat.txt",
        "pid-cgroup-hybrid.txt", "cgroup2-cpu.stat.txt", "cpuinfo.txt", "mountinfo.txt",
    };

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void AllParsers_EveryTruncationOfSample_NeverThrow(string sampleName)
    {
        byte[] sample = TestSupport.Sample(sampleName);
        for (int length = 0; length <= sample.Length; length++)
        {
            RunAllParsers(sample.AsSpan(0, length));
        }
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void AllParsers_SingleByteMutationsOfSample_NeverThrow(string sampleName)
    {
        byte[] sample = TestSupport.Sample(sampleName);
        var random = new Random(sampleName.Length * 7919);
        byte[] interesting = "()\n \t:-0123456789max\0\xff"u8.ToArray();
        for (int i = 0; i < RandomCases; i++)
        {
            byte[] mutated = (byte[])sample.Clone();
            int position = random.Next(mutated.Length);
            mutated[position] = random.Next(2) == 0 ? interesting[random.Next(interesting.Length)] : (byte)random.Next(256);
            RunAllParsers(mutated);
        }
    }

    [Fact]
    public void AllParsers_RandomBytes_NeverThrow()
    {
        var random = new Random(12345);
        byte[] alphabet = "()\n \t:-,/0123456789abcdefmax"u8.ToArray();
        for (int i = 0; i < RandomCases; i++)
        {
            byte[] content = new byte[random.Next(0, 600)];
            bool textual = random.Next(2) == 0;
            for (int j = 0; j < content.Length; j++)
            {
                content[j] = textual ? alphabet[random.Next(alphabet.Length)] : (byte)random.Next(256);
            }

            RunAllParsers(content);
        }
    }

    [Fact]
    public void PidStat_TruncationsOfSample_ParseOnlyWhenRssIsComplete()
    {
        byte[] sample = TestSupport.Sample("pid-stat-bash.txt");
        Assert.True(PidStatParser.TryParse(sample, out PidStat whole));
        for (int length = 0; length < sample.Length; length++)
        {
            if (PidStatParser.TryParse(sample.AsSpan(0, length), out PidStat cut))
            {
                // A cut inside the rss digits can still parse, but only to a prefix of the true value.
                Assert.Equal(whole.StartTimeTicks, cut.StartTimeTicks);
                Assert.True(cut.RssPages <= whole.RssPages);
            }
        }
    }

    [Fact]
    public void UInt64Parsing_Overflow_ReturnsFalse()
    {
        Assert.False(CgroupFileParser.TryParseCounter("18446744073709551616\n"u8, out _));
        Assert.True(CgroupFileParser.TryParseCounter("18446744073709551615\n"u8, out ulong max));
        Assert.Equal(ulong.MaxValue, max);
    }

    private static void RunAllParsers(ReadOnlySpan<byte> content)
    {
        Span<CpuTimesTicks> perCpu = stackalloc CpuTimesTicks[4];
        ProcStatParser.TryParse(content, perCpu, out _);
        MemInfoParser.TryParse(content, out _);
        foreach (NetDevRow row in NetDevParser.Rows(content))
        {
            Assert.False(row.Name.IsEmpty);
        }

        PidStatParser.TryParse(content, out _, out _);
        SchedstatParser.TryParse(content, out _, out _, out _);
        CgroupFileParser.TryParseCounter(content, out _);
        CgroupFileParser.TryParseLimit(content, out _, out _);
        CgroupFileParser.TryParseCpuStat(content, out _);
        CgroupMembershipParser.TryFindUnifiedPath(content, out _);
        CgroupMembershipParser.TryFindControllerPath(content, "memory"u8, out _);
        CpuInfoParser.TryParse(content, out _, out _, out _);
        int count = 0;
        ChildrenFileParser.TryParse(content, stackalloc int[4], ref count);
        CgroupMounts.Parse(content);
    }
}
