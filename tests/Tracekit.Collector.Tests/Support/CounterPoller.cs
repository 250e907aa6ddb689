namespace Tracekit.Collector.Tests.Support;

/// <summary>
/// A thread of the test that reads cumulative kernel counters every ~2 ms, each read bracketed by CLOCK_MONOTONIC,
/// so they can be interpolated at the timestamps of the collector's samples. A read that took longer than 0.5 ms
/// (preempted) is dropped: too vague to time.
/// </summary>
public sealed class CounterPoller<T> : IDisposable where T : struct
{
    private readonly List<(long T, T Value)> _points = new();
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;
    private bool _stopped;

    /// <param name="read">One reading, or null when the counters could not be read.</param>
    public CounterPoller(string name, Func<T?> read)
    {
        _thread = new Thread(() =>
        {
            while (!_stop.IsSet)
            {
                long t0 = Mono.NowNs();
                T? value = read();
                long t1 = Mono.NowNs();
                if (value is { } v && t1 - t0 < 500_000) _points.Add(((t0 + t1) / 2, v));
                Thread.Sleep(2);
            }
        }) { IsBackground = true, Priority = ThreadPriority.Highest, Name = name };
        _thread.Start();
    }

    /// <summary>Stops reading; the points are available afterwards.</summary>
    public IReadOnlyList<(long T, T Value)> Stop()
    {
        if (!_stopped)
        {
            _stop.Set();
            _thread.Join();
            _stopped = true;
        }
        return _points;
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }
}
