using System.Runtime.InteropServices;
using Tracekit.Native;

namespace Tracekit.Collector.Jobs;

/// <summary>
/// Forwards the signals a user or a scheduler sends to `tracekit run` on to the job, and keeps them from ending
/// `tracekit run` itself: the job decides how to react, and we still write its invocation when it ends.
/// </summary>
internal sealed class SignalForwarding : IDisposable
{
    private static readonly int[] Forwarded = [Libc.SigHup, Libc.SigInt, Libc.SigQuit, Libc.SigTerm, Libc.SigUsr1, Libc.SigUsr2];
    private readonly List<PosixSignalRegistration> _registrations = new();

    public SignalForwarding(int pid)
    {
        foreach (int signal in Forwarded)
        {
            // Raw signal numbers are accepted on Unix; SIGUSR1/2 have no named PosixSignal value.
            _registrations.Add(PosixSignalRegistration.Create((PosixSignal)signal, ctx =>
            {
                ctx.Cancel = true;
                Libc.TrySendSignal(pid, signal, out _);
            }));
        }
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
    }
}
