namespace Tracekit.Convert.Cli;

/// <summary>
/// A one-line bar on stderr. It appears only once the conversion has run for <see cref="DelayMs"/>, so quick
/// conversions print nothing, and redraws at most every <see cref="RedrawMs"/> so drawing never costs time.
/// </summary>
public sealed class ProgressBar : IProgressSink
{
    public const int DelayMs = 1000;
    public const int RedrawMs = 100;

    private readonly IConsoleOutput _console;
    private readonly long _totalBytes;
    private readonly string _label;
    private readonly TimeProvider _time;
    private readonly long _startTicks;
    private long _nextDrawTicks;
    private bool _drawn;

    /// <param name="time">The clock; tests pass their own to cross the one-second delay without waiting.</param>
    public ProgressBar(IConsoleOutput console, long totalBytes, string label, TimeProvider? time = null)
    {
        _console = console;
        _totalBytes = Math.Max(1, totalBytes);
        _label = label;
        _time = time ?? TimeProvider.System;
        _startTicks = _time.GetTimestamp();
        _nextDrawTicks = _startTicks + (DelayMs * _time.TimestampFrequency / 1000);
    }

    /// <summary>A bar when stderr is a terminal, else <see cref="NoProgress"/>.</summary>
    public static IProgressSink For(IConsoleOutput console, long totalBytes, string label) =>
        console.IsInteractive ? new ProgressBar(console, totalBytes, label) : NoProgress.Instance;

    public void Report(long bytesDone)
    {
        long now = _time.GetTimestamp();
        if (now < _nextDrawTicks)
        {
            return;
        }

        _nextDrawTicks = now + (RedrawMs * _time.TimestampFrequency / 1000);
        Draw(bytesDone, now);
    }

    public void Complete()
    {
        if (_drawn)
        {
            _console.Error.Write('\r' + new string(' ', Math.Max(0, _console.Width - 1)) + '\r');
            _console.Error.Flush();
            _drawn = false;
        }
    }

    private void Draw(long bytesDone, long now)
    {
        double fraction = Math.Clamp((double)bytesDone / _totalBytes, 0, 1);
        double elapsedS = _time.GetElapsedTime(_startTicks, now).TotalSeconds;
        string tail = $" {fraction * 100,5:0.0}% {bytesDone / (1024.0 * 1024):0} MiB {elapsedS:0}s";
        int barWidth = Math.Clamp(_console.Width - _label.Length - tail.Length - 4, 10, 50);
        int filled = (int)(fraction * barWidth);
        string line = $"\r{_label} [{new string('#', filled)}{new string('-', barWidth - filled)}]{tail}";
        _console.Error.Write(line);
        _console.Error.Flush();
        _drawn = true;
    }
}
