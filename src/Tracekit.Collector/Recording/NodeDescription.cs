using Tracekit.Procfs;
using RecordLink = Tracekit.Format.Link;
using RecordNodeInfo = Tracekit.Format.NodeInfo;

namespace Tracekit.Collector.Recording;

/// <summary>Writes the node's static description (NodeInfo, one Link per interface) at the start of a stream.</summary>
public static class NodeDescription
{
    public static void Write(ulong timestampNs, RecordSink sink)
    {
        var info = NodeInfoReader.Read();
        sink.Write(new RecordNodeInfo
        {
            TimestampNs = timestampNs,
            Hostname = Environment.MachineName,
            CpuModel = info.CpuModel,
            CoreCount = info.CpuCores,
            MaxMhz = info.CpuMaxMhz ?? 0,
            MemTotalKb = (ulong)Math.Max(0, info.MemTotalKb),
            ClockTicksPerSecond = (int)info.ClockTicksPerSecond,
            PageSizeInBytes = (int)info.PageSizeInBytes,
            BootTimeRealtimeNs = info.BootTimeSeconds * 1_000_000_000,
            Kernel = ReadKernelRelease(),
        });
        foreach (var nic in info.Interfaces)
        {
            sink.Write(new RecordLink { TimestampNs = timestampNs, Interface = nic.Name, SpeedMbps = nic.SpeedMbps });
        }
    }

    private static string ReadKernelRelease()
    {
        try { return File.ReadAllText("/proc/sys/kernel/osrelease").Trim(); }
        catch (IOException) { return ""; }
    }
}
