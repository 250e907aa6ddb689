using System.Runtime.InteropServices;

namespace Tracekit.Native;

/// <summary>Scheduling class of the calling thread (sched_setscheduler(2) with pid 0 applies to the caller only).</summary>
public static partial class Libc
{
    private const int SchedOther = 0;
    private const int SchedFifo = 1;
    /// <summary>SCHED_RESET_ON_FORK: threads and processes created by the realtime thread start in the normal class.</summary>
    private const int SchedResetOnFork = 0x40000000;

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SchedSetSchedulerNative(int pid, int policy, in SchedParam param);

    [LibraryImport("libc", EntryPoint = "sched_getscheduler", SetLastError = true)]
    private static partial int SchedGetSchedulerNative(int pid);

    /// <summary>
    /// Moves the calling thread to SCHED_FIFO at <paramref name="priority"/> (1..99). Needs CAP_SYS_NICE or an
    /// RLIMIT_RTPRIO that allows it; returns false with errno (EPERM) otherwise. The kernel's RT throttling
    /// (sched_rt_runtime_us) still bounds what a runaway realtime thread could take. Threads the caller creates
    /// afterwards (the runtime's own included) do not inherit the class (SCHED_RESET_ON_FORK).
    /// </summary>
    public static bool TrySetCurrentThreadFifo(int priority, out int errno)
    {
        if (SchedSetSchedulerNative(0, SchedFifo | SchedResetOnFork, new SchedParam { Priority = priority }) == 0)
        {
            errno = 0;
            return true;
        }

        errno = Marshal.GetLastPInvokeError();
        return false;
    }

    /// <summary>True when the calling thread runs under SCHED_FIFO.</summary>
    public static bool IsCurrentThreadFifo() => (SchedGetSchedulerNative(0) & ~SchedResetOnFork) == SchedFifo;

    /// <summary>Back to the normal class (SCHED_OTHER), e.g. before a realtime thread starts a child.</summary>
    public static bool TrySetCurrentThreadNormal(out int errno)
    {
        if (SchedSetSchedulerNative(0, SchedOther, new SchedParam { Priority = 0 }) == 0)
        {
            errno = 0;
            return true;
        }

        errno = Marshal.GetLastPInvokeError();
        return false;
    }
}
