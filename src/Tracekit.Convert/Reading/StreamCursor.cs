using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Convert.Reading;

/// <summary>A sequence of records with their epoch times: one stream, or several merged by time.</summary>
public interface IRecordSource : IDisposable
{
    /// <summary>The cursor whose record <see cref="MoveNext"/> returned last: kind, times, stream, offset.</summary>
    StreamCursor Current { get; }

    /// <summary>The next record of a known kind; <paramref name="payload"/> is valid until the next call.</summary>
    bool MoveNext(out ReadOnlySpan<byte> payload);

    /// <summary>Bytes of frames consumed so far, for progress.</summary>
    long BytesRead { get; }
}

/// <summary>
/// Reads one stream (a folder of segments) record by record, keeping the stream's clock anchor, so each record
/// comes out with its epoch time. Holds one record at a time: memory does not grow with the ring. Clock anchors,
/// unknown kinds and damage go to the <see cref="IReadObserver"/>, not to the caller. A segment whose header
/// cannot be read is skipped and reading resumes at the next segment file (see <see cref="SegmentRecovery"/>).
/// </summary>
public sealed class StreamCursor : IRecordSource
{
    private static int s_anchorVersions;

    private readonly IReadObserver _observer;
    private readonly SegmentRecovery _recovery;
    private RingReader? _reader;
    private int _nextSegment;
    private int _damageSeen;
    private string? _segmentPath;
    private AnchorPoint _anchor;
    private bool _haveRecordAnchor;

    public StreamCursor(StreamContext stream, IReadObserver observer, bool salvage)
    {
        Stream = stream;
        _observer = observer;
        _recovery = new SegmentRecovery(stream, observer, salvage);
    }

    public StreamContext Stream { get; }

    StreamCursor IRecordSource.Current => this;

    public RecordKind Kind { get; private set; }

    public ulong TimestampNs { get; private set; }

    public long EpochNs { get; private set; }

    /// <summary><see cref="EpochNs"/> floored to ms; computed once per record, read by several writers.</summary>
    public long EpochMs { get; private set; }

    /// <summary>Identifies the anchor that converted this record (see <see cref="AnchorPoint.Version"/>).</summary>
    public int AnchorVersion => _anchor.Version;

    public AnchorPoint Anchor => _anchor;

    public string SegmentPath => _segmentPath ?? string.Empty;

    /// <summary>File offset of the current record's frame in <see cref="SegmentPath"/>.</summary>
    public long FileOffset { get; private set; }

    public long BytesRead { get; private set; }

    /// <summary>Advances to the next known-kind record, past anchors (consumed here), unknown kinds and damage.</summary>
    /// <exception cref="Cli.ConvertException">Corruption mid-ring while salvage is off.</exception>
    public bool MoveNext(out ReadOnlySpan<byte> payload)
    {
        while (true)
        {
            if (_reader is null && !OpenNext())
            {
                payload = default;
                return false;
            }

            RingReadStatus status;
            try
            {
                status = _reader!.TryRead(out payload);
            }
            catch (RingFormatException ex)
            {
                ReportNewDamage();
                CloseReader();
                _nextSegment = _recovery.OnFormatError(ex);
                continue;
            }

            ReportNewDamage();
            if (status != RingReadStatus.Record)
            {
                // The reader stops at a missing segment number; carry on with the next file that exists.
                _nextSegment = _recovery.IndexAfter(_reader!.CurrentSegmentPath);
                CloseReader();
                continue;
            }

            BytesRead += (payload.Length + 31) & ~15;
            if (!ReferenceEquals(_segmentPath, _reader!.CurrentSegmentPath))
            {
                EnterSegment(_reader.CurrentSegmentPath, _reader.Header);
            }

            FileOffset = _reader.CurrentFileOffset;
            if (!RecordDecoder.TryReadHeader(payload, out RecordKind kind, out ulong timestampNs, out DecodeError error))
            {
                _observer.OnDamagedRecord(Stream, SegmentPath, FileOffset, error);
                continue;
            }

            if (kind == RecordKind.Unknown)
            {
                if (RecordDecoder.TryDecodeUnknown(payload, out UnknownRecord unknown, out error))
                {
                    _observer.OnUnknownKind(Stream, unknown.Kind);
                }
                else
                {
                    _observer.OnDamagedRecord(Stream, SegmentPath, FileOffset, error);
                }

                continue;
            }

            if (kind == RecordKind.ClockAnchor)
            {
                if (RecordDecoder.TryDecode(payload, out ClockAnchor anchor, out error))
                {
                    SetAnchor(anchor.RealtimeNs, unchecked((long)anchor.TimestampNs));
                    _haveRecordAnchor = true;
                    _observer.OnAnchor(Stream, anchor, AnchorSource.Record, SegmentPath);
                }
                else
                {
                    _observer.OnDamagedRecord(Stream, SegmentPath, FileOffset, error);
                }

                continue;
            }

            Kind = kind;
            TimestampNs = timestampNs;
            EpochNs = EpochClock.ToEpochNs(timestampNs, _anchor);
            EpochMs = EpochClock.ToEpochMs(EpochNs);
            return true;
        }
    }

    public void Dispose() => CloseReader();

    private bool OpenNext()
    {
        while (_nextSegment < Stream.Source.SegmentPaths.Count)
        {
            string path = Stream.Source.SegmentPaths[_nextSegment];
            try
            {
                // Opening a ring-NNNNNN.tkr file continues with the segments after it.
                _reader = RingReader.Open(path);
                _damageSeen = 0;
                return true;
            }
            catch (RingFormatException ex)
            {
                _nextSegment = _recovery.OnFormatError(ex);
            }
            catch (FileNotFoundException)
            {
                // Deleted between the listing and now: nothing to read there.
                _nextSegment++;
            }
        }

        return false;
    }

    private void EnterSegment(string path, RingHeaderInfo header)
    {
        _segmentPath = path;
        Stream.SetFirstHeader(header);

        // docs/ring-format.md section 4: the latest ClockAnchor record before a record wins, across segments;
        // a segment's creation pair applies only while the stream has shown no anchor record yet.
        if (!_haveRecordAnchor)
        {
            SetAnchor(header.CreatedRealtimeNs, header.CreatedMonotonicNs);
        }

        var synthetic = new ClockAnchor
        {
            TimestampNs = unchecked((ulong)header.CreatedMonotonicNs),
            RealtimeNs = header.CreatedRealtimeNs,
            ClockSyncState = header.ClockSyncState,
            ClockStatus = header.ClockStatus,
            ClockOffsetNs = header.ClockOffsetNs,
            ClockMaxErrorNs = header.ClockMaxErrorNs,
            ClockEstErrorNs = header.ClockEstErrorNs,
        };
        _observer.OnAnchor(Stream, synthetic, AnchorSource.SegmentHeader, path);
    }

    // The node's offset to the cluster clock enters here, so every time mapped through an anchor (records, enqueue
    // times, placement events) is on the cluster's timeline; the anchors' own rows keep the node's clock.
    private void SetAnchor(long realtimeNs, long monotonicNs) =>
        _anchor = new AnchorPoint(unchecked(realtimeNs + Stream.ClusterOffsetNs), monotonicNs, Interlocked.Increment(ref s_anchorVersions)); // unique across cursors of any thread

    private void ReportNewDamage()
    {
        var damage = _reader!.Damage;
        for (; _damageSeen < damage.Count; _damageSeen++)
        {
            _recovery.OnDamage(damage[_damageSeen]);
        }
    }

    private void CloseReader()
    {
        _reader?.Dispose();
        _reader = null;
    }
}
