namespace Tracekit.Convert.Cctf;

/// <summary>
/// Which interfaces make up a node's link to the network (`&lt;node&gt;.nic`). Loopback never leaves the host, and
/// the virtual interfaces of containers and VMs (veth pairs, bridges, overlay tunnels) relay traffic that is
/// already counted on the physical NIC when it leaves the host, or never leaves it; summing them would count
/// container traffic two or three times. Documented in docs/cctf.md.
/// </summary>
public static class NetworkInterfaces
{
    private static readonly string[] VirtualPrefixes =
    [
        "veth", "docker", "br-", "virbr", "cni", "flannel", "cali", "vxlan", "tunl", "kube-", "lxcbr", "lxc",
        "podman", "weave", "cilium", "genev", "vnet", "tap", "nerdctl",
    ];

    public static bool IsCounted(string interfaceName)
    {
        if (interfaceName.Length == 0 || interfaceName == "lo")
        {
            return false;
        }

        foreach (string prefix in VirtualPrefixes)
        {
            if (interfaceName.StartsWith(prefix, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
