using Tracekit.Collector.Tests.Support;

namespace Tracekit.Collector.Tests.Cluster;

/// <summary>
/// A bridge on the host and one network namespace per node, each joined to the bridge by a veth pair: the
/// nodes reach Redis (bound to the bridge's address) and each other only over these links. Names carry a random
/// tag so concurrent tests never collide. Docker's br_netfilter makes FORWARD drop bridged traffic, so an ACCEPT
/// rule for this bridge is added and removed with it.
/// </summary>
public sealed class TestNetwork : IDisposable
{
    private readonly string _tag = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2));
    private readonly List<string[]> _undo = [];
    private readonly int _subnet = Random.Shared.Next(16, 250);

    public string Bridge => $"tkc{_tag}br";
    public string HostAddress => $"10.213.{_subnet}.1";
    public List<string> Namespaces { get; } = [];

    public string NodeAddress(int index) => $"10.213.{_subnet}.{10 + index}";

    /// <summary>Null when it worked; else why namespaces cannot be made here (the one reason the cluster test may skip).</summary>
    public static string? CannotCreate()
    {
        if (Environment.UserName != "root") return "network namespaces need root";
        var (code, _, err) = Run("ip", "netns", "list");
        return code == 0 ? null : $"`ip netns` failed: {err.Trim()}";
    }

    public void Create(int nodes)
    {
        Must("ip", "link", "add", Bridge, "type", "bridge");
        _undo.Add(["ip", "link", "del", Bridge]);
        Must("ip", "addr", "add", HostAddress + "/24", "dev", Bridge);
        Must("ip", "link", "set", Bridge, "up");
        if (Run("iptables", "-I", "FORWARD", "-i", Bridge, "-o", Bridge, "-j", "ACCEPT").Code == 0)
            _undo.Add(["iptables", "-D", "FORWARD", "-i", Bridge, "-o", Bridge, "-j", "ACCEPT"]);
        for (int i = 1; i <= nodes; i++)
        {
            string ns = $"tkc{_tag}n{i}";
            string hostSide = $"tkc{_tag}h{i}";
            Must("ip", "netns", "add", ns);
            _undo.Add(["ip", "netns", "del", ns]);
            Namespaces.Add(ns);
            Must("ip", "link", "add", hostSide, "type", "veth", "peer", "name", $"tkc{_tag}c{i}");
            _undo.Add(["ip", "link", "del", hostSide]);
            Must("ip", "link", "set", $"tkc{_tag}c{i}", "netns", ns);
            Must("ip", "link", "set", hostSide, "master", Bridge);
            Must("ip", "link", "set", hostSide, "up");
            Must("ip", "-n", ns, "addr", "add", NodeAddress(i) + "/24", "dev", $"tkc{_tag}c{i}");
            Must("ip", "-n", ns, "link", "set", $"tkc{_tag}c{i}", "up");
            Must("ip", "-n", ns, "link", "set", "lo", "up");
        }
    }

    private static void Must(params string[] argv)
    {
        var (code, _, err) = Run(argv);
        if (code != 0) throw new InvalidOperationException($"{string.Join(' ', argv)} failed ({code}): {err.Trim()}");
    }

    private static (int Code, string Out, string Err) Run(params string[] argv)
    {
        using var p = Spawned.Start(argv[0], argv[1..]);
        int code = p.WaitForExit(TimeSpan.FromSeconds(30));
        return (code, p.Stdout, p.Stderr);
    }

    public void Dispose()
    {
        for (int i = _undo.Count - 1; i >= 0; i--) Run(_undo[i]);
    }
}
