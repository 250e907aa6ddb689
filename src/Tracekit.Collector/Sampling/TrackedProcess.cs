using Tracekit.Procfs;

namespace Tracekit.Collector.Sampling;

/// <summary>One process being sampled; (Pid, StartTicks) is its identity, so a reused PID is a new TrackedProcess.</summary>
internal sealed class TrackedProcess
{
    public TrackedProcess(ProcessCpuReader reader, int slot, bool followChildren)
    {
        Reader = reader;
        Slot = slot;
        FollowChildren = followChildren;
    }

    public ProcessCpuReader Reader { get; }
    public int Pid => Reader.Pid;
    public ulong StartTicks => Reader.StartTimeTicks;
    public int Slot { get; }
    public bool FollowChildren { get; }

    /// <summary>RSS and threads from the last /proc/PID/stat read (refreshed at most every 100 ms).</summary>
    public ulong RssKb { get; set; }
    public int Threads { get; set; }

    /// <summary>The CPU time read this tick, held back until the tick's exit poll confirms it (see ProcessTracker).</summary>
    public long PendingCpuNs { get; set; }
    public bool HasPending { get; set; }

    /// <summary>Set when the process left the selection (its pid file was removed) but has not exited.</summary>
    public bool Released { get; set; }
}
