using System.Runtime.InteropServices;

namespace Tracekit.Native;

/// <summary>The collector's own resource use and the kernel's unit constants (ticks per second, page size).</summary>
public static partial class Libc
{
    private const int SysconfClockTicksName = 2; // _SC_CLK_TCK
    private const int SysconfPageSizeName = 30; // _SC_PAGESIZE
    private const int SysconfOnlineProcessorsName = 84; // _SC_NPROCESSORS_ONLN
    private const int RusageSelfWho = 0;
    private const int RusageThreadWho = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceUsageNative
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxRssKb;
        public long SharedRss;
        public long UnsharedData;
        public long UnsharedStack;
        public long MinorFaults;
        public long MajorFaults;
        public long Swaps;
        public long BlockInputs;
        public long BlockOutputs;
        public long MessagesSent;
        public long MessagesReceived;
        public long SignalsReceived;
        public long VoluntaryContextSwitches;
        public long InvoluntaryContextSwitches;
    }

    [LibraryImport("libc", EntryPoint = "sysconf", SetLastError = true)]
    private static partial long SysconfResourceNative(int name);

    [LibraryImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static partial int GetResourceUsageNative(int who, out ResourceUsageNative usage);

    /// <summary>
    /// USER_HZ: the unit of utime/stime in /proc/PID/stat and of the rows of /proc/stat (100 on Linux). Not the
    /// kernel's internal HZ, which can differ (250 on the reference machines).
    /// </summary>
    public static long GetClockTicksPerSecond()
    {
        long ticksPerSecond = SysconfResourceNative(SysconfClockTicksName);
        return ticksPerSecond > 0 ? ticksPerSecond : 100;
    }

    /// <summary>Page size in bytes: the unit of rss in /proc/PID/stat and of /proc/PID/statm.</summary>
    public static long GetPageSizeInBytes()
    {
        long pageSizeInBytes = SysconfResourceNative(SysconfPageSizeName);
        return pageSizeInBytes > 0 ? pageSizeInBytes : Environment.SystemPageSize;
    }

    /// <summary>Processors online now (may be fewer than configured ones).</summary>
    public static int GetOnlineProcessorCount()
    {
        long count = SysconfResourceNative(SysconfOnlineProcessorsName);
        return count > 0 ? (int)count : Environment.ProcessorCount;
    }

    /// <summary>getrusage(RUSAGE_SELF): CPU and peak RSS of the whole calling process.</summary>
    public static bool TryGetSelfResourceUsage(out ResourceUsage usage) => TryGetResourceUsage(RusageSelfWho, out usage);

    /// <summary>
    /// getrusage(RUSAGE_CHILDREN): CPU of every descendant that was waited for, and the largest peak RSS among
    /// them; what /usr/bin/time reports for a job.
    /// </summary>
    public static bool TryGetChildrenResourceUsage(out ResourceUsage usage) => TryGetResourceUsage(-1, out usage);

    /// <summary>getrusage(RUSAGE_THREAD): CPU of the calling thread only.</summary>
    public static bool TryGetThreadResourceUsage(out ResourceUsage usage) => TryGetResourceUsage(RusageThreadWho, out usage);

    private static bool TryGetResourceUsage(int who, out ResourceUsage usage)
    {
        if (GetResourceUsageNative(who, out ResourceUsageNative native) != 0)
        {
            usage = default;
            return false;
        }

        usage = new ResourceUsage(
            UserTimeUs: (native.UserSeconds * 1_000_000) + native.UserMicroseconds,
            SystemTimeUs: (native.SystemSeconds * 1_000_000) + native.SystemMicroseconds,
            MaxRssKb: native.MaxRssKb,
            MinorFaults: native.MinorFaults,
            MajorFaults: native.MajorFaults,
            VoluntaryContextSwitches: native.VoluntaryContextSwitches,
            InvoluntaryContextSwitches: native.InvoluntaryContextSwitches);
        return true;
    }
}

/// <summary>The subset of struct rusage the collector reports about itself; times in µs, memory in KiB.</summary>
public readonly record struct ResourceUsage(
    long UserTimeUs,
    long SystemTimeUs,
    long MaxRssKb,
    long MinorFaults,
    long MajorFaults,
    long VoluntaryContextSwitches,
    long InvoluntaryContextSwitches);
