using Tracekit.Collector.Recording;
using Tracekit.Format;
using Tracekit.Native;
using Tracekit.Procfs;

namespace Tracekit.Collector.Sampling;

/// <summary>The collector's own cost and health, written as a SelfReport record once per second.</summary>
public sealed class SelfMonitor : IDisposable
{
    private readonly ProcFile? _statm;
    private readonly byte[] _buffer = new byte[256];
    private static readonly ulong PageSizeKb = (ulong)Libc.GetPageSizeInBytes() / 1024;

    public SelfMonitor()
    {
        ProcFile.TryOpen("/proc/self/statm", out _statm);
    }

    /// <summary>Counts are the whole collector's (every producer): <see cref="CollectSession.RecordsWritten"/>.</summary>
    public SelfReport Report(ulong timestampNs, TickSchedule schedule, RecordSink sink, long recordsWritten, long recordsDropped, long recordsOverwritten)
    {
        Libc.TryGetSelfResourceUsage(out var usage);
        var report = new SelfReport
        {
            TimestampNs = timestampNs,
            Ticks = (ulong)schedule.Ticks,
            MissedTicks = (ulong)schedule.MissedTicks,
            LateTicks = (ulong)schedule.LateTicks,
            MaxLatenessNs = (ulong)schedule.MaxLatenessNs,
            // Counted before this record is appended: the report describes the records that precede it.
            RecordsWritten = (ulong)recordsWritten,
            RecordsDropped = (ulong)recordsDropped,
            RecordsOverwritten = (ulong)recordsOverwritten,
            CpuUserNs = (ulong)usage.UserTimeUs * 1000,
            CpuSystemNs = (ulong)usage.SystemTimeUs * 1000,
            RssKb = ReadRssKb(),
        };
        sink.Write(report);
        return report;
    }

    private ulong ReadRssKb()
    {
        if (_statm is null || _statm.TryRead(_buffer, out int length) != ProcReadStatus.Ok) return 0;
        // statm: size resident shared text lib data dt, in pages.
        var rest = _buffer.AsSpan(0, length);
        int space = rest.IndexOf((byte)' ');
        if (space < 0) return 0;
        rest = rest[(space + 1)..];
        int end = rest.IndexOfAny((byte)' ', (byte)'\n');
        return System.Buffers.Text.Utf8Parser.TryParse(end < 0 ? rest : rest[..end], out ulong pages, out _) ? pages * PageSizeKb : 0;
    }

    public void Dispose() => _statm?.Dispose();
}
