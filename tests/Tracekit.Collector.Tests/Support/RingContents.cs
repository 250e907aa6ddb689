using Tracekit.Ring;

namespace Tracekit.Collector.Tests.Support;

/// <summary>
/// Everything a ring folder holds, read the way the converter reads it (RingReader + RecordDecoder): decoded
/// records in ring order, the damage the reader reported, the last segment's header, and any record that failed
/// to decode.
/// </summary>
public sealed class RingContents
{
    public required List<object> Records { get; init; }
    public required IReadOnlyList<RingDamage> Damage { get; init; }
    public required RingHeaderInfo LastHeader { get; init; }
    public required List<string> DecodeErrors { get; init; }

    public IEnumerable<T> Of<T>() => Records.OfType<T>();

    /// <summary>The timestamps of the collector's ticks: one total-CPU HostCpu record is written per tick.</summary>
    public List<ulong> TickTimestamps() => Of<HostCpu>().Where(h => h.Cpu == -1).Select(h => h.TimestampNs).ToList();

    public List<ProcessSample> SamplesOf(int pid) => Of<ProcessSample>().Where(s => s.Pid == pid).OrderBy(s => s.TimestampNs).ToList();

    public static RingContents Read(string directory)
    {
        var records = new List<object>();
        var errors = new List<string>();
        using var reader = RingReader.Open(directory);
        while (true)
        {
            var status = reader.TryRead(out var payload);
            if (status != RingReadStatus.Record) break;
            if (RecordDecoder.TryDecodeAny(payload, out var record, out var error)) records.Add(record);
            else errors.Add($"{reader.CurrentSegmentPath} offset {reader.CurrentFileOffset}: {error}");
        }
        return new RingContents { Records = records, Damage = reader.Damage.ToList(), LastHeader = reader.Header, DecodeErrors = errors };
    }

    /// <summary>Epoch seconds of a monotonic timestamp, through the latest ClockAnchor at or before it (docs/ring-format.md 4).</summary>
    public double EpochSecondsOf(long monotonicNs)
    {
        var anchors = Of<ClockAnchor>().ToList();
        Assert.NotEmpty(anchors);
        var anchor = anchors.Where(a => (long)a.TimestampNs <= monotonicNs).DefaultIfEmpty(anchors[0]).Last();
        return (anchor.RealtimeNs + (monotonicNs - (long)anchor.TimestampNs)) / 1e9;
    }
}
