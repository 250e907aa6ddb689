using Tracekit.Format;

namespace Tracekit.Dotnet.Parsing;

/// <summary>
/// Pairs the runtime's GC events into DotnetEvent records. A GcStart record marks GCStart; the GcStop record
/// carries <c>durationNs</c> = the time the execution engine was suspended for this GC (SuspendEEBegin to
/// RestartEEEnd, summed when a background GC suspends more than once) and <c>detail</c> = generation, reason,
/// type and the GC's own duration. The stop is written when the pause that ends the GC is over, so it knows the
/// whole pause. Used from one thread (the process's event thread).
/// </summary>
internal sealed class GcTracker
{
    private const int MaxOpen = 8;

    private readonly List<OpenGc> _open = new(4);
    private long _suspendBeginNs = -1;

    private sealed class OpenGc
    {
        public uint Number;
        public long StartNs;
        public long EndNs = -1;
        public long PauseNs;
        public int Generation;
        public string Reason = "";
        public string Type = "";
    }

    public void OnSuspendBegin(long timestampNs) => _suspendBeginNs = timestampNs;

    public void OnStart(long timestampNs, uint number, int generation, string reason, string type, int pid, IRecordSink sink)
    {
        // A GC whose stop never came (events lost) must not make the list grow without bound.
        if (_open.Count >= MaxOpen) _open.RemoveAt(0);
        _open.Add(new OpenGc { Number = number, StartNs = timestampNs, Generation = generation, Reason = reason, Type = type });
        sink.Write(new DotnetEvent
        {
            TimestampNs = (ulong)timestampNs,
            Pid = pid,
            EventType = DotnetEventType.GcStart,
            Sequence = number,
            Detail = $"gen={generation};reason={reason};type={type}",
        });
    }

    public void OnEnd(long timestampNs, uint number, int pid, IRecordSink sink)
    {
        var gc = Find(number);
        if (gc is null) return;
        gc.EndNs = timestampNs;
        // A background GC ends while the program runs: no pause is pending, so it is complete now.
        if (_suspendBeginNs < 0) Flush(timestampNs, pid, sink);
    }

    public void OnRestartEnd(long timestampNs, int pid, IRecordSink sink)
    {
        if (_suspendBeginNs >= 0)
        {
            long pauseNs = Math.Max(0, timestampNs - _suspendBeginNs);
            // The pause belongs to every GC that ran (or is running, in the background) while the EE was suspended.
            foreach (var gc in _open)
            {
                if (gc.StartNs <= timestampNs) gc.PauseNs += pauseNs;
            }
            _suspendBeginNs = -1;
        }
        Flush(timestampNs, pid, sink);
    }

    private void Flush(long timestampNs, int pid, IRecordSink sink)
    {
        for (int i = 0; i < _open.Count; i++)
        {
            var gc = _open[i];
            if (gc.EndNs < 0) continue;
            sink.Write(new DotnetEvent
            {
                TimestampNs = (ulong)timestampNs,
                Pid = pid,
                EventType = DotnetEventType.GcStop,
                Sequence = gc.Number,
                DurationNs = gc.PauseNs,
                Detail = $"gen={gc.Generation};gcNs={gc.EndNs - gc.StartNs}",
            });
            _open.RemoveAt(i--);
        }
    }

    private OpenGc? Find(uint number)
    {
        foreach (var gc in _open)
        {
            if (gc.Number == number) return gc;
        }
        return null;
    }
}
