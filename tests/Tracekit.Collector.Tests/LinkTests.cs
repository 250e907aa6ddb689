using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Tracekit.Native;

namespace Tracekit.Collector.Tests;

/// <summary>
/// Link records of `tracekit collect`: the RTT to each --peer (TCP connect time) and the speed of each network
/// interface from /sys/class/net/IF/speed.
/// </summary>
public sealed class LinkTests : IDisposable
{
    private const long NsPerSecond = 1_000_000_000;
    private readonly TempDir _dir = new("tk-link");
    private readonly ITestOutputHelper _output;

    public LinkTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Collect_PeerListening_RttAboveZeroBelowOneSecondAndCollectionGoesOn()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        string peer = $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        using var collector = CollectorRun.Start(_dir.Path, "peer-open", "--peer", peer);
        collector.WaitUntilRunning();

        var link = WaitForPeerLink(collector, peer);

        // The probe's connection is what reached our listener (nothing else knows the port).
        Assert.True(listener.Server.Poll(5 * 1_000_000, SelectMode.SelectRead), "the probe did not connect to the listener");
        listener.AcceptTcpClient().Dispose();
        long rttNs = Assert.NotNull(link.RttNs);
        _output.WriteLine($"RTT to {peer}: {rttNs / 1e3:0.0} µs");
        Assert.InRange(rttNs, 1, NsPerSecond - 1);
        Assert.Equal("", link.Interface);
        AssertCollectionGoesOnAndStopsCleanly(collector, link.TimestampNs);
    }

    [Fact]
    public void Collect_PeerRefusedOrUnanswered_RefusedHasRttUnansweredNullAndCollectionGoesOn()
    {
        int closedPort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        string refused = $"127.0.0.1:{closedPort}";
        // A peer that never answers, on loopback: once a listener's accept queue is full (backlog 0, one connection
        // waiting), Linux drops further SYNs (tcp_abort_on_overflow 0), so the probe's connect times out.
        // (No remote address serves here: sandboxes and proxies answer connects to anywhere.)
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(0);
        using var queueFiller = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        queueFiller.Connect(silent.LocalEndPoint!);
        string unanswered = $"127.0.0.1:{((IPEndPoint)silent.LocalEndPoint!).Port}";
        using var collector = CollectorRun.Start(_dir.Path, "peer-closed", "--peer", refused, "--peer", unanswered);
        collector.WaitUntilRunning();

        var refusedLink = WaitForPeerLink(collector, refused);
        var unansweredLink = WaitForPeerLink(collector, unanswered);

        // A RST is the peer's kernel answering the SYN: one round trip, so it counts (PeerProber).
        long rttNs = Assert.NotNull(refusedLink.RttNs);
        _output.WriteLine($"RTT to {refused} (refused): {rttNs / 1e3:0.0} µs");
        Assert.InRange(rttNs, 1, NsPerSecond - 1);
        // No answer is no measurement, never a made-up time.
        Assert.Null(unansweredLink.RttNs);
        AssertCollectionGoesOnAndStopsCleanly(collector, unansweredLink.TimestampNs);
    }

    [Fact]
    public void Collect_InterfaceWithoutPositiveSpeed_LinkSpeedNull()
    {
        var speeds = SysfsSpeedsMbps();
        var ring = CollectBriefly("speed-none");

        var withoutSpeed = speeds.Where(s => s.Value is null or <= 0).Select(s => s.Key).ToList();
        _output.WriteLine($"interfaces without a positive speed: {string.Join(", ", withoutSpeed)}");
        Assert.NotEmpty(withoutSpeed); // lo has none on every kernel: its speed file fails with EINVAL
        foreach (var name in withoutSpeed)
            Assert.Null(Assert.Single(ring.Of<Link>(), l => l.Interface == name && l.Peer is null).SpeedMbps);
    }

    [SkippableFact]
    public void Collect_InterfaceWithPositiveSpeed_LinkCarriesThatSpeed()
    {
        // Only a device-backed interface has a link speed; a veth's 10000 is the driver's constant (NodeInfoReader).
        var speeds = SysfsSpeedsMbps().Where(s => s.Value > 0 && Path.Exists($"/sys/class/net/{s.Key}/device")).ToDictionary(s => s.Key, s => s.Value!.Value);
        Skip.If(speeds.Count == 0, "no device-backed interface on this host has a readable positive /sys/class/net/IF/speed (virtio reports -1; lo and ifb fail with EINVAL)");
        var ring = CollectBriefly("speed");

        foreach (var (name, mbps) in speeds)
            Assert.Equal(mbps, Assert.Single(ring.Of<Link>(), l => l.Interface == name && l.Peer is null).SpeedMbps);
    }

    private RingContents CollectBriefly(string runId)
    {
        using var collector = CollectorRun.Start(_dir.Path, runId, "--duration", "300ms");
        Assert.True(collector.WaitForExit(TimeSpan.FromSeconds(30)) == 0, $"collect failed. stderr:\n{collector.Process.Stderr}");
        return collector.ReadRing();
    }

    /// <summary>Every interface's speed file as the kernel prints it; null when reading it fails (EINVAL for lo).</summary>
    private static Dictionary<string, long?> SysfsSpeedsMbps()
    {
        var speeds = new Dictionary<string, long?>();
        foreach (var dir in Directory.EnumerateFileSystemEntries("/sys/class/net"))
        {
            long? mbps = null;
            try { mbps = long.Parse(File.ReadAllText(Path.Combine(dir, "speed")).Trim(), CultureInfo.InvariantCulture); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
            speeds[Path.GetFileName(dir)] = mbps;
        }
        return speeds;
    }

    private static Link WaitForPeerLink(CollectorRun collector, string peer)
    {
        Link found = default;
        // The first probe runs when sampling starts; an unanswered one takes its 2 s connect timeout.
        Proc.WaitForOrFail(() =>
        {
            var links = collector.ReadRing().Of<Link>().Where(l => l.Peer == peer).ToList();
            if (links.Count > 0) found = links[0];
            return links.Count > 0;
        }, TimeSpan.FromSeconds(15), $"a Link record for peer {peer}");
        return found;
    }

    /// <summary>Ticks go on after the probe (a probe runs on its own thread), and SIGTERM still ends the run with 0.</summary>
    private static void AssertCollectionGoesOnAndStopsCleanly(CollectorRun collector, ulong probeNs)
    {
        Proc.WaitForOrFail(() => collector.ReadRing().TickTimestamps().Count(t => t > probeNs) >= 3, TimeSpan.FromSeconds(15),
            "three ticks after the probe");
        Assert.False(collector.Process.HasExited, $"the collector exited with {(collector.Process.HasExited ? collector.Process.ExitCode : 0)}");
        collector.Process.Signal(Libc.SigTerm);
        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(10)));
        Assert.True(collector.ReadRing().LastHeader.Closed, "the ring should be closed after SIGTERM");
    }
}
