using Microsoft.Diagnostics.Tracing;

namespace Tracekit.Dotnet;

/// <summary>
/// Decodes one raw EventPipe capture (a nettrace file the collector streamed) into records: runtime metrics, GC
/// events and request invocations, written to a sink in the file's order. Never throws on bad content: a file cut
/// short (the collector was killed) yields what is whole before the cut and a damage note naming the byte offset.
/// </summary>
public static class NettraceDecoder
{
    public static NettraceDecodeResult Decode(string path, NettraceTarget target, IRecordSink sink)
    {
        long length = new FileInfo(path).Length;
        if (length == 0)
            return new NettraceDecodeResult { Damage = "the file is empty: the session ended before the runtime sent its header" };
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 64 * 1024);
        var guarded = new PositionStream(file);
        var decoder = new EventDecoder(target, sink);
        string? damage = null;
        try
        {
            using var source = new EventPipeEventSource(guarded);
            decoder.Subscribe(source);
            source.Process();
            decoder.Finish(source);
            if (!guarded.SawEnd)
                damage = $"the stream stops at byte {guarded.Position} of {length} without its end marker (the capture was cut short); events before it were decoded";
        }
        catch (Exception e) when (e is not OutOfMemoryException and not StackOverflowException)
        {
            // TraceEvent throws at the first incomplete block of a truncated file; what it delivered before is whole.
            decoder.Finish(null);
            damage = guarded.Position >= length
                ? $"the file is cut short: it ends at byte {length} inside a block ({e.GetType().Name}: {e.Message}); the whole blocks before it were decoded"
                : $"the stream breaks at byte {guarded.Position} of {length} ({e.GetType().Name}: {e.Message}); the events before it were decoded";
        }
        return decoder.Result(length, guarded.Position, damage);
    }

    /// <summary>
    /// Counts what TraceEvent read (for the damage offset) and whether it reached the end of the file. A nettrace
    /// stream ends with the NullReference tag (one byte, 1) after its last block.
    /// </summary>
    private sealed class PositionStream(Stream inner) : Stream
    {
        private int _lastByte = -1;

        public bool SawEnd => Position == inner.Length && _lastByte == 1;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = inner.Read(buffer, offset, count);
            if (n > 0) _lastByte = buffer[offset + n - 1];
            return n;
        }

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            if (n > 0) _lastByte = buffer[n - 1];
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
