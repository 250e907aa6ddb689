using System.Buffers;
using System.Runtime.CompilerServices;
using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Contracts;

/// <summary>
/// Encodes records and appends them to a ring, from any thread: the collector's tick loop, the EventPipe tracer's
/// per-target threads, the load generator's thread-pool completions, the converter's decoders. The common record
/// is encoded into a buffer of the calling thread (no lock, no allocation after a thread's first record; the ring
/// itself is multi-producer). A record too large for that buffer is encoded into a rented one, never dropped; a
/// record the ring refuses is counted in <see cref="RecordsDropped"/>, never lost without a count.
/// </summary>
public sealed class RecordSink : IRecordSink
{
    /// <summary>Holds any record whose strings total 4000 chars (a long command line or URL path plus ids).</summary>
    private static readonly int ThreadBufferSizeInBytes = RecordEncoder.MaxEncodedSizeInBytes(4000);

    [ThreadStatic]
    private static byte[]? t_buffer;

    private readonly RingWriter _ring;
    private long _recordsWritten;
    private long _recordsDropped;
    private long _recordsTooLarge;

    public RecordSink(RingWriter ring) => _ring = ring;

    /// <summary>Records appended so far.</summary>
    public long RecordsWritten => Volatile.Read(ref _recordsWritten);

    /// <summary>Records the ring refused: a no-loss ring at its size limit, or a record above its largest frame.</summary>
    public long RecordsDropped => Volatile.Read(ref _recordsDropped);

    /// <summary>
    /// The part of <see cref="RecordsDropped"/> that never reached the ring (above its largest frame). The ring counts
    /// its own refusals in the segment header, for every producer: a total over several sinks adds these to the
    /// header's count, never <see cref="RecordsDropped"/>, which would count a refusal twice.
    /// </summary>
    public long RecordsTooLarge => Volatile.Read(ref _recordsTooLarge);

    private static byte[] Buffer => t_buffer ??= new byte[ThreadBufferSizeInBytes];

    public void Write(in HostCpu r) { var b = Buffer; if (RecordEncoder.TryEncode(r, b, out int n)) Append(b, n); else WriteLarge(r, RecordEncoder.TryEncode); }
    public void Write(in HostMemory r) { var b = Buffer; if (RecordEncoder.TryEncode(r, b, out int n)) Append(b, n); else WriteLarge(r, RecordEncoder.TryEncode); }
    public void Write(in NetDevice r) { var b = Buffer; if (RecordEncoder.TryEncode(r, b, out int n)) Append(b, n); else WriteLarge(r, RecordEncoder.TryEncode); }
    public void Write(in ProcessSample r) { var b = Buffer; if (RecordEncoder.TryEncode(r, b, out int n)) Append(b, n); else WriteLarge(r, RecordEncoder.TryEncode); }
    public void Write(in ProcessStart r) { var b = Buffer; if (RecordEncoder.TryEncode(r, b, out int n)) Append(b, n); else WriteLarge(r, RecordEncoder.TryEncode); }
    public void Write(in ProcessExit r) { var b = Buffer; if (RecordEncoder.TryEncode(r, b, out int n)) Append(b, n); else WriteLarge(r, RecordEncoder.TryEncode); }
    public void Write(in CgroupSample r) { var b = Buffer; if (RecordEncoder.TryEncode(r, b, out int n)) Append(b, n); else WriteLarge(r, RecordEncoder.TryEncode); }
    public void Write(in InvocationStart r) { var b = Buffer; if (RecordEncoder.TryEncode(r, b, out int n)) Append(b, n); else WriteLarge(r, RecordEncoder.TryEncode); }
    public void Write(in InvocationEnd r) { var b = Buffer; if (RecordEncoder.TryEncode(r, b, out int n)) Append(b, n); else WriteLarge(r, RecordEncoder.TryEncode); }
    public void Write(in NodeInfo r) { var b = Buffer; if (RecordEncoder.TryEncode(r, b, out int n)) Append(b, n); else WriteLarge(r, RecordEncoder.TryEncode); }
    public void Write(in Link r) { var b = Buffer; if (RecordEncoder.TryEncode(r, b, out int n)) Append(b, n); else WriteLarge(r, RecordEncoder.TryEncode); }
    public void Write(in Placement r) { var b = Buffer; if (RecordEncoder.TryEncode(r, b, out int n)) Append(b, n); else WriteLarge(r, RecordEncoder.TryEncode); }
    public void Write(in ClockAnchor r) { var b = Buffer; if (RecordEncoder.TryEncode(r, b, out int n)) Append(b, n); else WriteLarge(r, RecordEncoder.TryEncode); }
    public void Write(in SelfReport r) { var b = Buffer; if (RecordEncoder.TryEncode(r, b, out int n)) Append(b, n); else WriteLarge(r, RecordEncoder.TryEncode); }
    public void Write(in DotnetMetric r) { var b = Buffer; if (RecordEncoder.TryEncode(r, b, out int n)) Append(b, n); else WriteLarge(r, RecordEncoder.TryEncode); }
    public void Write(in DotnetEvent r) { var b = Buffer; if (RecordEncoder.TryEncode(r, b, out int n)) Append(b, n); else WriteLarge(r, RecordEncoder.TryEncode); }

    /// <summary>The shape of every <see cref="RecordEncoder"/>.TryEncode overload.</summary>
    private delegate bool Encoder<T>(in T record, Span<byte> destination, out int bytesWritten);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Append(byte[] buffer, int length)
    {
        // The ring rejects a payload above its largest frame with an exception; for a sampler or a tracer that is
        // a lost record to count, not a reason to fail the caller's thread.
        if (length > _ring.MaxPayloadLengthInBytes) CountTooLarge();
        else if (_ring.TryAppend(buffer.AsSpan(0, length))) Interlocked.Increment(ref _recordsWritten);
        else Interlocked.Increment(ref _recordsDropped);
    }

    /// <summary>
    /// Rare: a record with very long strings. Doubles a rented buffer until the record fits; one larger than the
    /// ring's largest frame is counted as dropped. Kept out of line so the common path stays small.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteLarge<T>(in T record, Encoder<T> encode)
    {
        for (int size = ThreadBufferSizeInBytes * 2; ; size *= 2)
        {
            byte[] rented = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                if (encode(record, rented, out int n))
                {
                    Append(rented, n);
                    return;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
            if (size > _ring.MaxPayloadLengthInBytes)
            {
                CountTooLarge();
                return;
            }
        }
    }

    private void CountTooLarge()
    {
        Interlocked.Increment(ref _recordsTooLarge);
        Interlocked.Increment(ref _recordsDropped);
    }
}
