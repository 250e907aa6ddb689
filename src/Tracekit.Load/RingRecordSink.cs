using System.Buffers;
using System.Runtime.CompilerServices;
using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Load;

/// <summary>
/// Encodes records and appends them to a ring from any thread. The encode buffer lives on the calling thread's
/// stack, so there is no shared state to lock and nothing is allocated; the ring itself is multi-producer.
/// </summary>
public sealed class RingRecordSink : IRecordSink
{
    /// <summary>Holds any record whose strings total 1300 chars (a long URL path plus ids); larger ones rent.</summary>
    private const int StackBufferSizeInBytes = 4096;

    private readonly RingWriter _ring;
    private long _recordsWritten;
    private long _recordsDropped;

    public RingRecordSink(RingWriter ring) => _ring = ring;

    /// <summary>Records appended so far.</summary>
    public long RecordsWritten => Volatile.Read(ref _recordsWritten);

    /// <summary>Records the ring refused (no-loss ring at its size limit).</summary>
    public long RecordsDropped => Volatile.Read(ref _recordsDropped);

    public void Write(in DotnetMetric record)
    {
        Span<byte> buffer = stackalloc byte[StackBufferSizeInBytes];
        if (RecordEncoder.TryEncode(record, buffer, out int n)) Append(buffer[..n]);
        else WriteLarge(record, RecordEncoder.MaxEncodedSizeInBytes(Chars(record.Meter) + Chars(record.Instrument) + Chars(record.Unit)));
    }

    public void Write(in DotnetEvent record)
    {
        Span<byte> buffer = stackalloc byte[StackBufferSizeInBytes];
        if (RecordEncoder.TryEncode(record, buffer, out int n)) Append(buffer[..n]);
        else WriteLarge(record, RecordEncoder.MaxEncodedSizeInBytes(Chars(record.Detail)));
    }

    public void Write(in InvocationStart record)
    {
        Span<byte> buffer = stackalloc byte[StackBufferSizeInBytes];
        if (RecordEncoder.TryEncode(record, buffer, out int n)) Append(buffer[..n]);
        else WriteLarge(record, RecordEncoder.MaxEncodedSizeInBytes(
            Chars(record.TraceId) + Chars(record.SpanId) + Chars(record.ParentId) + Chars(record.ModuleId) + Chars(record.InstanceId)
            + Chars(record.Method) + Chars(record.Path) + Chars(record.Input) + Chars(record.Output) + Chars(record.Cpuset) + Chars(record.Cgroup)));
    }

    public void Write(in InvocationEnd record)
    {
        Span<byte> buffer = stackalloc byte[StackBufferSizeInBytes];
        if (RecordEncoder.TryEncode(record, buffer, out int n)) Append(buffer[..n]);
        else WriteLarge(record, RecordEncoder.MaxEncodedSizeInBytes(Chars(record.TraceId) + Chars(record.SpanId)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Append(ReadOnlySpan<byte> payload)
    {
        // The ring rejects a payload above its largest frame with an exception; for a tracer that is a lost record,
        // not a reason to fail the caller's thread.
        if (payload.Length > _ring.MaxPayloadLengthInBytes)
        {
            Interlocked.Increment(ref _recordsDropped);
            return;
        }

        // Interlocked: several threads count into the same totals; readers only need eventual values.
        if (_ring.TryAppend(payload)) Interlocked.Increment(ref _recordsWritten);
        else Interlocked.Increment(ref _recordsDropped);
    }

    private static int Chars(string? s) => s?.Length ?? 0;

    // Rare: a record with very long strings. Kept out of line so the common path stays small.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteLarge(in DotnetMetric record, int size) { var b = ArrayPool<byte>.Shared.Rent(size); try { Commit(RecordEncoder.TryEncode(record, b, out int n), b, n); } finally { ArrayPool<byte>.Shared.Return(b); } }
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteLarge(in DotnetEvent record, int size) { var b = ArrayPool<byte>.Shared.Rent(size); try { Commit(RecordEncoder.TryEncode(record, b, out int n), b, n); } finally { ArrayPool<byte>.Shared.Return(b); } }
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteLarge(in InvocationStart record, int size) { var b = ArrayPool<byte>.Shared.Rent(size); try { Commit(RecordEncoder.TryEncode(record, b, out int n), b, n); } finally { ArrayPool<byte>.Shared.Return(b); } }
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteLarge(in InvocationEnd record, int size) { var b = ArrayPool<byte>.Shared.Rent(size); try { Commit(RecordEncoder.TryEncode(record, b, out int n), b, n); } finally { ArrayPool<byte>.Shared.Return(b); } }

    private void Commit(bool encoded, byte[] buffer, int length)
    {
        if (encoded) Append(buffer.AsSpan(0, length));
        else Interlocked.Increment(ref _recordsDropped); // the encoder's size estimate fell short: count, never throw
    }
}
