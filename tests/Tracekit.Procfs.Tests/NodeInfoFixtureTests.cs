namespace Tracekit.Procfs.Tests;

/// <summary>
/// NodeInfoReader on fake /proc and /sys trees: the reference VMs have no cpufreq, so only a fixture reaches the
/// cpufreq branch, and only a fixture pins the model, core count and MemTotal to known values.
/// </summary>
public sealed class NodeInfoFixtureTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tk-nodeinfo-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string ProcRoot => Path.Join(_root, "proc");
    private string SysRoot => Path.Join(_root, "sys");

    [Fact]
    public void Read_CpufreqPresent_MaxMhzIsHighestCpuinfoMaxFreq()
    {
        WriteProc(cpuMhz: [2445.406, 1800.0, 2999.5, 1200.0]);
        // kHz, as the kernel prints them; cpu2 is the fastest, and its cpufreq value beats every cpuinfo clock.
        WriteCpufreqKhz([3_500_000, 3_600_000, 4_200_000, 3_400_000]);

        NodeInfo info = NodeInfoReader.Read(ProcRoot, SysRoot);

        Assert.Equal(4200.0, info.CpuMaxMhz);
        Assert.Equal("cpufreq", info.CpuMaxMhzSource);
    }

    [Fact]
    public void ReadInterfaceSpeedMbps_VirtualInterfaceWithSpeed_NullOnlyDeviceBackedCounts()
    {
        // A NIC (a `device` link) and a veth with a name no prefix list knows: veth's driver reports 10000 Mb/s.
        string net = Path.Join(SysRoot, "class/net");
        Directory.CreateDirectory(Path.Join(net, "eth0", "device"));
        File.WriteAllText(Path.Join(net, "eth0", "speed"), "1000\n");
        Directory.CreateDirectory(Path.Join(net, "tkpeer0"));
        File.WriteAllText(Path.Join(net, "tkpeer0", "speed"), "10000\n");

        Assert.Equal(1000, NodeInfoReader.ReadInterfaceSpeedMbps("eth0", SysRoot));
        Assert.Null(NodeInfoReader.ReadInterfaceSpeedMbps("tkpeer0", SysRoot));
    }

    [Fact]
    public void Read_NoCpufreq_MaxMhzIsHighestCpuinfoClock()
    {
        WriteProc(cpuMhz: [2445.406, 1800.0, 2999.5, 1200.0]);
        // The CPU directories exist, as on a VM, but none has a cpufreq folder.
        for (int cpu = 0; cpu < 4; cpu++) Directory.CreateDirectory(Path.Join(SysRoot, "devices/system/cpu", $"cpu{cpu}"));

        NodeInfo info = NodeInfoReader.Read(ProcRoot, SysRoot);

        Assert.Equal(2999.5, info.CpuMaxMhz);
        Assert.Equal("cpuinfo", info.CpuMaxMhzSource);
    }

    [Fact]
    public void Read_NoCpufreqNoCpuMhz_MaxMhzUnknown()
    {
        WriteProc(cpuMhz: []);

        NodeInfo info = NodeInfoReader.Read(ProcRoot, SysRoot);

        Assert.Null(info.CpuMaxMhz);
        Assert.Equal("unknown", info.CpuMaxMhzSource);
    }

    [Fact]
    public void Read_FakeProc_ModelCoresAndMemTotalFromTheFiles()
    {
        WriteProc(cpuMhz: [2445.406, 1800.0, 2999.5, 1200.0]);
        WriteCpufreqKhz([3_500_000, 3_600_000, 4_200_000, 3_400_000]);

        NodeInfo info = NodeInfoReader.Read(ProcRoot, SysRoot);

        // Values this machine cannot have by accident: 4 cores and 7 GiB + 3 KiB on a 2-core test VM.
        Assert.Equal("Fixture CPU @ 2.40GHz", info.CpuModel);
        Assert.Equal(4, info.CpuCores);
        Assert.Equal(7_340_035, info.MemTotalKb);
        Assert.Equal(1_700_000_000, info.BootTimeSeconds);
        Assert.Empty(info.Interfaces);
    }

    /// <summary>A /proc/cpuinfo of one "processor" block per clock (or 4 without "cpu MHz" when none), meminfo and stat.</summary>
    private void WriteProc(double[] cpuMhz)
    {
        Directory.CreateDirectory(ProcRoot);
        var cpuinfo = new System.Text.StringBuilder();
        int processors = cpuMhz.Length == 0 ? 4 : cpuMhz.Length;
        for (int i = 0; i < processors; i++)
        {
            cpuinfo.Append($"processor\t: {i}\nvendor_id\t: GenuineIntel\nmodel name\t: Fixture CPU @ 2.40GHz\n");
            if (cpuMhz.Length > 0) cpuinfo.Append(System.FormattableString.Invariant($"cpu MHz\t\t: {cpuMhz[i]:0.000}\n"));
            cpuinfo.Append("cache size\t: 512 KB\n\n");
        }

        File.WriteAllText(Path.Join(ProcRoot, "cpuinfo"), cpuinfo.ToString());
        File.WriteAllText(Path.Join(ProcRoot, "meminfo"), "MemTotal:        7340035 kB\nMemFree:         1048576 kB\nMemAvailable:    2097152 kB\n");
        File.WriteAllText(Path.Join(ProcRoot, "stat"), "cpu  1 2 3 4 5 6 7 8 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\nbtime 1700000000\nprocesses 1\n");
    }

    private void WriteCpufreqKhz(int[] maxFreqKhz)
    {
        string cpuDirectory = Path.Join(SysRoot, "devices/system/cpu");
        for (int cpu = 0; cpu < maxFreqKhz.Length; cpu++)
        {
            string cpufreq = Path.Join(cpuDirectory, $"cpu{cpu}", "cpufreq");
            Directory.CreateDirectory(cpufreq);
            File.WriteAllText(Path.Join(cpufreq, "cpuinfo_max_freq"), $"{maxFreqKhz[cpu]}\n");
        }

        // Real sysfs has siblings that match "cpu*" but are no CPU: the reader must not trip over them.
        Directory.CreateDirectory(Path.Join(cpuDirectory, "cpuidle"));
        File.WriteAllText(Path.Join(cpuDirectory, "online"), "0-3\n");
    }
}
