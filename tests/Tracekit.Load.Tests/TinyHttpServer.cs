using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tracekit.Load.Tests;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 for the load tests: answers every request with 200 "ok" (keep-alive), or
/// never answers; records each request's traceparent header. Only what the generator sends is understood.
/// </summary>
internal sealed class TinyHttpServer : IAsyncDisposable
{
    private static readonly byte[] Response = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok");
    private readonly TcpListener _listener;
    private readonly bool _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<TcpClient> _clients = [];
    private readonly Task _accepting;

    private TinyHttpServer(bool respond)
    {
        _respond = respond;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public ConcurrentBag<string> TraceParents { get; } = [];

    public static TinyHttpServer Start(bool respond) => new(respond);

    /// <summary>A URL on a loopback port nothing listens on (bound, then released).</summary>
    public static Uri UnusedUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri Url(string path) => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{path}");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping the listener ends the accept loop.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _clients.Add(client);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            while (!_stop.IsCancellationRequested)
            {
                // A GET has no body: the request ends at the empty line after its headers.
                string? line = await reader.ReadLineAsync(_stop.Token);
                if (line is null)
                {
                    return;
                }

                while (!string.IsNullOrEmpty(line))
                {
                    if (line.StartsWith("traceparent:", StringComparison.OrdinalIgnoreCase))
                    {
                        TraceParents.Add(line["traceparent:".Length..].Trim());
                    }

                    line = await reader.ReadLineAsync(_stop.Token);
                }

                if (_respond)
                {
                    await stream.WriteAsync(Response, _stop.Token);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The client closed the connection, or the server is stopping.
        }
    }
}
