using System.Runtime.InteropServices;

namespace Tracekit.Native;

public static partial class Libc
{
    public const int SigHup = 1;
    public const int SigInt = 2;
    public const int SigQuit = 3;
    public const int SigKill = 9;
    public const int SigUsr1 = 10;
    public const int SigUsr2 = 12;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigStop = 19;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);

    /// <summary>kill(2). Returns false with errno set (ESRCH: no such process; EPERM: not ours).</summary>
    public static bool TrySendSignal(int pid, int signal, out int errno)
    {
        if (pid <= 0) throw new ArgumentOutOfRangeException(nameof(pid), "a signal is only ever sent to one positive PID");
        int rc = KillNative(pid, signal);
        errno = rc == 0 ? 0 : Marshal.GetLastPInvokeError();
        return rc == 0;
    }
}
