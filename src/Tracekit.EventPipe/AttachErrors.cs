using System.Net.Sockets;
using Microsoft.Diagnostics.NETCore.Client;

namespace Tracekit.EventPipe;

/// <summary>Turns what the diagnostics client throws into one sentence a user can act on.</summary>
internal static class AttachErrors
{
    public static bool IsAttachFailure(Exception e) =>
        e is DiagnosticsClientException or IOException or SocketException or UnauthorizedAccessException or TimeoutException;

    public static string Describe(int pid, Exception e)
    {
        bool alive = Directory.Exists($"/proc/{pid}");
        return e switch
        {
            _ when !alive => "cannot attach: the process has exited",
            UnsupportedCommandException or UnsupportedProtocolException =>
                $"cannot attach: its runtime does not support this EventPipe request (a runtime older than .NET 5?): {e.Message}",
            _ when IsAccessDenied(e) =>
                "cannot attach: permission denied on its diagnostics socket (run tracekit as the same user as the target, or as root)",
            ServerNotAvailableException =>
                "cannot attach: no diagnostics socket answers (not a .NET process, DOTNET_EnableDiagnostics=0, a native-AOT build without " +
                "EventSourceSupport=true, or a different TMPDIR/mount namespace than tracekit's)",
            ServerErrorException => $"cannot attach: the runtime refused the session: {e.Message}",
            _ => $"cannot attach: {e.GetType().Name}: {e.Message}",
        };
    }

    /// <summary>
    /// The client wraps connect()'s EACCES in a ServerNotAvailableException (the socket of another user's target),
    /// so the cause is looked for along the inner exceptions; otherwise it would read as "no socket answers".
    /// </summary>
    private static bool IsAccessDenied(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is UnauthorizedAccessException or SocketException { SocketErrorCode: SocketError.AccessDenied }) return true;
        }
        return false;
    }
}
