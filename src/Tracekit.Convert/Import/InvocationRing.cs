using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Convert.Import;

/// <summary>
/// The ring stream an import writes: one ClockAnchor, then an InvocationStart and an InvocationEnd per request.
/// The stream's "monotonic" clock is epoch ns itself and its one anchor says realtime = monotonic, so the converter's
/// usual arithmetic (docs/ring-format.md section 4) gives back exactly the times in the log.
/// </summary>
internal sealed class InvocationRing : IDisposable
{
    /// <summary>The collector's default segment size: large enough for any log, small enough to keep conversion RSS low.</summary>
    public const long MaxSegmentCapacityInBytes = 16L * 1024 * 1024;

    public const long MinSegmentCapacityInBytes = 64 * 1024;

    private const long NsPerMs = 1_000_000;

    private readonly RingWriter _writer;
    private readonly byte[] _payload;
    private bool _anchored;

    public InvocationRing(RingOptions options)
    {
        _writer = RingWriter.Create(options);
        _payload = new byte[_writer.MaxPayloadLengthInBytes];
    }

    /// <summary>
    /// A segment size suited to the log: about what its records will take (a request's two records take up to about
    /// twice its plain-text line, and gzip logs are typically compressed ten-fold or more), rounded up to a power of
    /// two, from 64 KiB to 16 MiB. A small log therefore gets one small file, and a huge one rolls over 16 MiB segments.
    /// </summary>
    public static long SegmentCapacityFor(long fileLengthInBytes, bool isGzip)
    {
        long estimate = fileLengthInBytes > MaxSegmentCapacityInBytes ? MaxSegmentCapacityInBytes : fileLengthInBytes * (isGzip ? 30 : 3);
        long capacity = MinSegmentCapacityInBytes;
        while (capacity < estimate && capacity < MaxSegmentCapacityInBytes)
        {
            capacity *= 2;
        }

        return capacity;
    }

    public void Append(in NginxRequest request, string traceId, string spanId)
    {
        ulong startNs = (ulong)request.StartEpochMs * NsPerMs;
        ulong endNs = (ulong)request.EndEpochMs * NsPerMs;
        if (!_anchored)
        {
            _anchored = true;
            // Unknown sync state (-1): the importer cannot know how well the clock of nginx's host was synchronised
            // when it wrote the log, so the audit must not vouch for these times.
            var anchor = new ClockAnchor { TimestampNs = startNs, RealtimeNs = (long)startNs, ClockSyncState = -1 };
            Append(RecordEncoder.TryEncode(anchor, _payload, out int anchorLength), anchorLength);
        }

        var start = new InvocationStart
        {
            TimestampNs = startNs,
            TraceId = traceId,
            SpanId = spanId,
            ParentId = request.ParentSpanId,
            Method = request.Method,
            Path = request.Path,
            Pid = request.Pid,
        };
        Append(RecordEncoder.TryEncode(start, _payload, out int startLength), startLength);

        var end = new InvocationEnd
        {
            TimestampNs = endNs,
            TraceId = traceId,
            SpanId = spanId,
            Status = request.Status,
            BytesIn = request.BytesIn,
            BytesOut = request.BytesOut,
        };
        Append(RecordEncoder.TryEncode(end, _payload, out int endLength), endLength);
    }

    public void Dispose() => _writer.Dispose();

    private void Append(bool encoded, int length)
    {
        if (!encoded)
        {
            // Strings are capped (NginxRequest.MaxPathChars) so that a record always fits the smallest segment's frame.
            throw new InvalidOperationException($"a record did not fit the {_payload.Length:N0}-byte frame limit.");
        }

        if (!_writer.TryAppend(_payload.AsSpan(0, length)))
        {
            throw new ConvertException(ReturnCode.OutputError, $"Could not write the import's ring: {_writer.FullReason ?? "the ring is full"}.");
        }
    }
}
