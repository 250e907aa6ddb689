using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Tracekit.Procfs.Tests;

/// <summary>
/// Real cgroups: a fresh v1 (cpuacct + memory) or v2 group, a forking burner moved into it, CPU and memory read
/// through <see cref="CgroupStatsReader"/>. The groups are removed in finally; without root or a writable
/// hierarchy the tests skip with the reason.
/// </summary>
public class CgroupTests
{
    private const string V1CpuacctRoot = "/sys/fs/cgroup/cpuacct";
    private const string V1MemoryRoot = "/sys/fs/cgroup/memory";
    private const string V2Root = "/sys/fs/cgroup/unified";

    [SkippableFact]
    public void CgroupStatsReaderV1_BurnerMovedIn_CpuGrowsMemoryReadsThenVanishesOnRemove()
    {
        string name = $"tracekit-test-{Guid.NewGuid():N}";
        string cpuacct = Path.Combine(V1CpuacctRoot, name);
        string memory = Path.Combine(V1MemoryRoot, name);
        SkipUnlessCreatable(cpuacct, memory);
        Process burner = TestSupport.StartForkingShell();
        try
        {
            MoveInto(burner.Id, cpuacct);
            MoveInto(burner.Id, memory);
            AssertMembership(burner.Id, "cpuacct", cpuacct);

            using CgroupStatsReader reader = CgroupStatsReader.OpenV1(cpuacct, memory);
            Assert.True(reader.HasCpu && reader.HasMemory);
            AssertCpuGrows(reader);
            Assert.Equal(ProcReadStatus.Ok, reader.TryRead(out CgroupSample sample));
            Assert.True(sample.MemoryCurrentBytes > 0, "forks charge page tables and stacks to the group");
            Assert.True(sample.MemoryPeakBytes >= sample.MemoryCurrentBytes);
            Assert.Equal(long.MaxValue, sample.MemoryLimitBytes);

            CgroupMounts mounts = CgroupMounts.Discover();
            Assert.Equal(ProcReadStatus.Ok, CgroupLocator.TryOpenForProcess(burner.Id, mounts, out CgroupStatsReader? located));
            using (located)
            {
                Assert.Equal(CgroupVersion.V1, located!.Version);
                Assert.True(located.HasMemory);
                Assert.Equal(ProcReadStatus.Ok, located.TryRead(out CgroupSample viaProcess));
                Assert.True(viaProcess.CpuUsageNs >= sample.CpuUsageNs);
            }

            Assert.Equal(ProcReadStatus.Ok, CgroupLocator.TryOpenForPath("/" + name, mounts, out CgroupStatsReader? byPath));
            byPath!.Dispose();
            Assert.Equal(ProcReadStatus.Vanished, CgroupLocator.TryOpenForPath("/no-such-group-" + name, mounts, out _));

            TestSupport.KillAndReap(burner);
            RemoveWhenEmpty(cpuacct);
            Assert.Equal(ProcReadStatus.Vanished, reader.TryRead(out _));
        }
        finally
        {
            TestSupport.KillAndReap(burner);
            RemoveWhenEmpty(cpuacct);
            RemoveWhenEmpty(memory);
        }
    }

    [SkippableFact]
    public void CgroupStatsReaderV2_BurnerMovedIn_CpuStatUsageGrows()
    {
        string group = Path.Combine(V2Root, $"tracekit-test-{Guid.NewGuid():N}");
        SkipUnlessCreatable(group);
        Process burner = TestSupport.StartForkingShell();
        try
        {
            MoveInto(burner.Id, group);
            AssertMembership(burner.Id, controller: null, group);

            Assert.Equal(ProcReadStatus.Ok, CgroupLocator.TryOpenForPath(group, CgroupMounts.Discover(), out CgroupStatsReader? located));
            using CgroupStatsReader reader = located!;
            Assert.Equal(CgroupVersion.V2, reader.Version);
            Assert.True(reader.HasCpu);
            AssertCpuGrows(reader);
            Assert.Equal(ProcReadStatus.Ok, reader.TryRead(out CgroupSample sample));
            if (File.Exists(Path.Combine(group, "memory.current")))
            {
                Assert.True(sample.MemoryCurrentBytes > 0);
            }
            else
            {
                // Hybrid hosts (like the reference machines) bind memory to v1: v2 has no memory.* files.
                Assert.False(reader.HasMemory);
                Assert.Equal(-1, sample.MemoryCurrentBytes);
            }
        }
        finally
        {
            TestSupport.KillAndReap(burner);
            RemoveWhenEmpty(group);
        }
    }

    private static void AssertCpuGrows(CgroupStatsReader reader)
    {
        Assert.Equal(ProcReadStatus.Ok, reader.TryRead(out CgroupSample before));
        Assert.True(before.CpuUsageNs >= 0);
        // Wait for 50 ms of CPU rather than sleeping a fixed time: a loaded CI machine may give the burner little.
        CgroupSample after = default;
        Assert.True(
            TestSupport.WaitUntil(
                () => reader.TryRead(out after) == ProcReadStatus.Ok && after.CpuUsageNs - before.CpuUsageNs > 50_000_000,
                TimeSpan.FromSeconds(20)),
            $"{before.CpuUsageNs} -> {after.CpuUsageNs}");
    }

    private static void AssertMembership(int pid, string? controller, string expectedDirectory)
    {
        Assert.Equal(ProcReadStatus.Ok, TestSupport.ReadAll($"/proc/{pid}/cgroup", out byte[] content));
        ReadOnlySpan<byte> path;
        bool found = controller is null
            ? CgroupMembershipParser.TryFindUnifiedPath(content, out path)
            : CgroupMembershipParser.TryFindControllerPath(content, Encoding.ASCII.GetBytes(controller), out path);
        Assert.True(found);
        CgroupMounts mounts = CgroupMounts.Discover();
        CgroupMount mount = controller is null ? mounts.Unified! : mounts.FindV1(controller)!;
        Assert.Equal(expectedDirectory, CgroupMounts.Resolve(mount, Encoding.UTF8.GetString(path)));
    }

    private static void SkipUnlessCreatable(params string[] groups)
    {
        Skip.IfNot(TestSupport.IsRoot, "creating cgroups needs root");
        foreach (string group in groups)
        {
            string parent = Path.GetDirectoryName(group)!;
            Skip.IfNot(Directory.Exists(parent), $"{parent} is not mounted on this host");
            try
            {
                Directory.CreateDirectory(group);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                foreach (string created in groups)
                {
                    RemoveWhenEmpty(created);
                }

                Skip.If(true, $"cannot create {group}: {e.Message}");
            }
        }
    }

    private static void MoveInto(int pid, string group) =>
        File.WriteAllText(Path.Combine(group, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));

    // rmdir of a cgroup fails while it has members; the killed burner's last fork may take a moment to be reaped.
    private static void RemoveWhenEmpty(string group)
    {
        if (!Directory.Exists(group))
        {
            return;
        }

        TestSupport.WaitUntil(() => File.ReadAllText(Path.Combine(group, "cgroup.procs")).Length == 0, TimeSpan.FromSeconds(5));
        try
        {
            Directory.Delete(group);
        }
        catch (IOException)
        {
            // Left behind only if a member survives 5 s; the name is unique, so the next run is unaffected.
        }
    }
}
