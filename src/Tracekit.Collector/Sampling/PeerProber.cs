using System.Diagnostics;
using System.Net.Sockets;
using Tracekit.Collector.Recording;
using Tracekit.Ring;
using RecordLink = Tracekit.Format.Link;

namespace Tracekit.Collector.Sampling;

/// <summary>
/// Measures the RTT to each --peer as the time a TCP connect takes (SYN to SYN-ACK: one round trip, no root
/// needed), every 10 s, on a thread of its own so a slow peer never delays a tick. It appends Link records
/// to the same ring as a second producer.
/// </summary>
public sealed class PeerProber : IDisposable
{
    private const int ConnectTimeoutMs = 2000;
    private const int ProbeEveryMs = 10_000;
    private readonly IReadOnlyList<(string Host, int Port)> _peers;
    private readonly RecordSink _sink;
    private readonly CancellationTokenSource _stop = new();
    private readonly ManualResetEventSlim _begin = new();
    private Thread? _thread;

    public PeerProber(IReadOnlyList<string> peers, RingWriter ring)
    {
        _peers = peers.Select(Parse).ToList();
        _sink = new RecordSink(ring);
    }

    /// <summary>Link records appended (read from the sampling thread: a slightly stale count is fine).</summary>
    public long RecordsWritten => _sink.RecordsWritten;

    public long RecordsTooLarge => _sink.RecordsTooLarge;

    public static (string Host, int Port) Parse(string peer)
    {
        int colon = peer.LastIndexOf(':');
        if (colon > 0 && !peer.EndsWith(']') && int.TryParse(peer.AsSpan(colon + 1), out int port) && port is > 0 and < 65536)
            return (peer[..colon].Trim('[', ']'), port);
        if (string.IsNullOrWhiteSpace(peer)) throw new ArgumentException("--peer needs HOST[:PORT]");
        return (peer.Trim('[', ']'), 22);
    }

    /// <summary>
    /// Creates the thread; call it before the caller enters SCHED_FIFO. The runtime's Thread.Start spins (sched_yield)
    /// until the new thread runs, and a realtime thread's yield never lets a normal one run on its core: with two
    /// realtime collectors on a 2-core host, both spun until the kernel's RT throttling stepped in, ~0.95 s of CPU
    /// each and a second late (docs/cli.md, --peer). The thread waits for <see cref="Begin"/> before probing.
    /// </summary>
    public void Start()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "tracekit-peers" };
        _thread.Start();
    }

    /// <summary>Lets the probing begin (a signal: safe from the realtime thread, it waits for nothing).</summary>
    public void Begin() => _begin.Set();

    private void Loop()
    {
        try { _begin.Wait(_stop.Token); }
        catch (OperationCanceledException) { return; }
        while (!_stop.IsCancellationRequested)
        {
            foreach (var (host, port) in _peers)
            {
                long? rttNs = Probe(host, port);
                _sink.Write(new RecordLink { TimestampNs = Monotonic.NowNs(), Interface = "", Peer = $"{host}:{port}", RttNs = rttNs });
            }
            _stop.Token.WaitHandle.WaitOne(ProbeEveryMs);
        }
    }

    internal static long? Probe(string host, int port)
    {
        try
        {
            // Resolve first: name lookup time is not network round-trip time.
            var address = System.Net.Dns.GetHostAddresses(host)[0];
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
            long start = Stopwatch.GetTimestamp();
            try
            {
                socket.Connect(new System.Net.IPEndPoint(address, port));
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress) { }
            // poll(2) on the socket itself: ConnectAsync also timed the socket engine's thread hops, and on the first
            // probe its startup (1-7 ms against a 0.1 ms loopback RTT).
            bool answered = socket.Poll(ConnectTimeoutMs * 1000, SelectMode.SelectWrite) | socket.Poll(0, SelectMode.SelectError);
            long elapsedNs = (long)Stopwatch.GetElapsedTime(start).TotalNanoseconds;
            if (!answered) return null;
            var error = (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
            // SYN answered by RST is still one round trip to the peer's kernel.
            return error is SocketError.Success or SocketError.ConnectionRefused ? elapsedNs : null;
        }
        catch (Exception e) when (e is SocketException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    public void Stop()
    {
        _stop.Cancel();
        _thread?.Join(ConnectTimeoutMs + 500);
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
        _begin.Dispose();
    }
}
