using System.Runtime.CompilerServices;
using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Collector.Recording;

/// <summary>
/// Encodes records into a reused buffer and appends them to the ring. One sink per producing thread: the buffer
/// is not shared, so encoding needs no lock and allocates nothing.
/// </summary>
public sealed class RecordSink
{
    private readonly RingWriter _ring;
    private readonly byte[] _buffer = new byte[RecordEncoder.MaxEncodedSizeInBytes(4000)];

    public RecordSink(RingWriter ring) => _ring = ring;

    /// <summary>Records appended by this sink.</summary>
    public long RecordsWritten { get; private set; }

    /// <summary>Records the ring refused (a full no-loss ring) or that did not fit the encode buffer.</summary>
    public long RecordsDropped { get; private set; }

    /// <summary>
    /// The part of <see cref="RecordsDropped"/> that never reached the ring (too large to encode). The ring counts
    /// its own refusals in the segment header, for every producer: adding those from here would count them twice.
    /// </summary>
    public long RecordsTooLarge { get; private set; }

    public void Write(in HostCpu r) => Commit(RecordEncoder.TryEncode(r, _buffer, out int n), n);
    public void Write(in HostMemory r) => Commit(RecordEncoder.TryEncode(r, _buffer, out int n), n);
    public void Write(in NetDevice r) => Commit(RecordEncoder.TryEncode(r, _buffer, out int n), n);
    public void Write(in ProcessSample r) => Commit(RecordEncoder.TryEncode(r, _buffer, out int n), n);
    public void Write(in ProcessStart r) => Commit(RecordEncoder.TryEncode(r, _buffer, out int n), n);
    public void Write(in ProcessExit r) => Commit(RecordEncoder.TryEncode(r, _buffer, out int n), n);
    public void Write(in CgroupSample r) => Commit(RecordEncoder.TryEncode(r, _buffer, out int n), n);
    public void Write(in InvocationStart r) => Commit(RecordEncoder.TryEncode(r, _buffer, out int n), n);
    public void Write(in InvocationEnd r) => Commit(RecordEncoder.TryEncode(r, _buffer, out int n), n);
    public void Write(in NodeInfo r) => Commit(RecordEncoder.TryEncode(r, _buffer, out int n), n);
    public void Write(in Link r) => Commit(RecordEncoder.TryEncode(r, _buffer, out int n), n);
    public void Write(in Placement r) => Commit(RecordEncoder.TryEncode(r, _buffer, out int n), n);
    public void Write(in ClockAnchor r) => Commit(RecordEncoder.TryEncode(r, _buffer, out int n), n);
    public void Write(in SelfReport r) => Commit(RecordEncoder.TryEncode(r, _buffer, out int n), n);
    public void Write(in DotnetMetric r) => Commit(RecordEncoder.TryEncode(r, _buffer, out int n), n);
    public void Write(in DotnetEvent r) => Commit(RecordEncoder.TryEncode(r, _buffer, out int n), n);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Commit(bool encoded, int length)
    {
        if (!encoded)
        {
            RecordsTooLarge++;
            RecordsDropped++;
        }
        else if (_ring.TryAppend(_buffer.AsSpan(0, length)))
            RecordsWritten++;
        else
            RecordsDropped++;
    }
}
