using System.Globalization;
using System.Text.Json;
using Tracekit.Format;

namespace Tracekit.Collector.Tests;

/// <summary>How often the host is read (--host-interval) and the sampling thread's class (--priority).</summary>
public sealed class SchedulingTests : IDisposable
{
    private readonly TempDir _dir = new("tk-sched");
    private readonly ITestOutputHelper _output;

    public SchedulingTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(null, 10)]      // the default: the host at 100 ms while processes go at 10 ms
    [InlineData("20ms", 2)]
    [InlineData("10ms", 1)]
    public void Collect_HostInterval_HostReadEveryKthTickAndAtTheEnd(string? hostInterval, int ticksPerHostRead)
    {
        using var sleeper = Spawned.Start("sleep", ["60"]);
        string[] options = ["--interval", "10ms", "--duration", "1s", "--pid", sleeper.Pid.ToString(CultureInfo.InvariantCulture)];
        if (hostInterval is not null) options = [.. options, "--host-interval", hostInterval];
        using var collector = CollectorRun.Start(_dir.Path, $"host-{ticksPerHostRead}", options);
        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(30)));

        var ring = collector.ReadRing();
        var processTicks = ring.SamplesOf(sleeper.Pid).Select(s => s.TimestampNs).ToList();
        var hostTicks = ring.TickTimestamps();
        _output.WriteLine($"{processTicks.Count} process samples, {hostTicks.Count} host samples; stderr: {collector.Process.Stderr}");

        // Host reads fall on process ticks, exactly ticksPerHostRead ticks apart; at most one more closes the run
        // when the last tick was not a host tick, so the host's cumulative counters span the whole collection.
        var processIndex = processTicks.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i);
        var onTicks = hostTicks.Where(processIndex.ContainsKey).Select(t => processIndex[t]).ToList();
        var offTicks = hostTicks.Where(t => !processIndex.ContainsKey(t)).ToList();
        Assert.True(onTicks.Count >= 90 / ticksPerHostRead, $"only {onTicks.Count} host reads on ticks");
        Assert.All(onTicks.Zip(onTicks.Skip(1)), pair => Assert.Equal(ticksPerHostRead, pair.Second - pair.First));
        Assert.True(offTicks.Count <= 1, $"{offTicks.Count} host reads off the tick schedule");
        Assert.All(offTicks, t => Assert.True(t >= processTicks[^1]));
        // Without a closing read, the last tick itself was a host tick.
        if (offTicks.Count == 0) Assert.Equal(processTicks[^1], hostTicks[^1]);
        // Memory and network follow the CPU reads.
        Assert.Equal(hostTicks.Count, ring.Of<HostMemory>().Count());
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("realtime")]
    [InlineData("normal")]
    public void Collect_Priority_MetaRecordsTheClassTheLoopRanIn(string priority)
    {
        using var collector = CollectorRun.Start(_dir.Path, $"prio-{priority}", "--interval", "10ms", "--duration", "300ms", "--priority", priority);
        int code = collector.WaitForExit(TimeSpan.FromSeconds(30));
        _output.WriteLine(collector.Process.Stderr);
        bool root = Environment.UserName == "root";
        if (priority == "realtime" && !root)
        {
            Assert.Equal(3, code);
            Assert.Contains("CAP_SYS_NICE", collector.Process.Stderr);
            return;
        }

        Assert.Equal(0, code);
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(collector.NodeDirectory, "meta.json")));
        bool realtime = meta.RootElement.GetProperty("realtime_sampling").GetBoolean();
        Assert.Equal(priority != "normal" && root, realtime);
        Assert.Contains(realtime ? "realtime sampling thread" : "normal scheduling", collector.Process.Stderr);
    }

    /// <summary>
    /// A realtime collector with --peer, pinned to one CPU: its prober thread can only run where the sampling thread
    /// is. Started after the sampling thread turned realtime, the runtime's Thread.Start spun (sched_yield) until the
    /// thread ran, which a realtime thread's yield never lets a normal one do: ~0.95 s of CPU until the kernel's RT
    /// throttling stepped in. Two realtime collectors on a 2-core host hit the same, one per core.
    /// </summary>
    [SkippableFact]
    public void Collect_RealtimeWithPeerOnOneCpu_NoStartupSpin()
    {
        Skip.IfNot(Proc.IsRoot, "realtime sampling needs root or CAP_SYS_NICE");
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        string peer = $"127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}";
        using var collector = CollectorRun.StartThrough(["taskset", "-c", "0"], _dir.Path, "peer-rt",
            "--priority", "realtime", "--peer", peer, "--interval", "100ms", "--duration", "2s");

        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(30)));
        var last = collector.ReadRing().Of<SelfReport>().Last();
        double cpuMs = (last.CpuUserNs + last.CpuSystemNs) / 1e6;
        _output.WriteLine($"{cpuMs:0.#} ms of CPU in a 2 s run");
        // A collector at 100 ms costs a few ms; the spin cost hundreds.
        Assert.True(cpuMs < 200, $"the collector used {cpuMs:0.#} ms of CPU in a 2 s run");
    }

    [Fact]
    public void Collect_SteadyState_NoGarbageCollection()
    {
        // The tick loop allocates nothing: a 2 s collection of a process at 100 Hz ends without a single GC.
        using var sleeper = Spawned.Start("sleep", ["60"]);
        using var collector = CollectorRun.Start(_dir.Path, "nogc", "--interval", "10ms", "--duration", "2s", "--pid", sleeper.Pid.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(30)));
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(collector.NodeDirectory, "meta.json")));
        long gcs = meta.RootElement.GetProperty("gc_collections").GetInt64();
        long allocated = meta.RootElement.GetProperty("allocated_bytes").GetInt64();
        _output.WriteLine($"gc_collections {gcs}, allocated {allocated} bytes in the whole run");
        Assert.Equal(0, gcs);
    }
}
