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
            UnauthorizedAccessException or SocketException { SocketErrorCode: SocketError.AccessDenied } =>
                "cannot attach: permission denied on its diagnostics socket (run tracekit as the same user as the target, or as root)",
            ServerNotAvailableException =>
                "cannot attach: no diagnostics socket answers (not a .NET process, DOTNET_EnableDiagnostics=0, a native-AOT build without " +
                "EventSourceSupport=true, or a different TMPDIR/mount namespace than tracekit's)",
            ServerErrorException => $"cannot attach: the runtime refused the session: {e.Message}",
            _ => $"cannot attach: {e.GetType().Name}: {e.Message}",
        };
    }
}
