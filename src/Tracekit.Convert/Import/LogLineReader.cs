namespace Tracekit.Convert.Import;

/// <summary>How a line ended.</summary>
internal enum LineEnding
{
    /// <summary>A newline: nginx writes every line with its newline in one write(2).</summary>
    Newline,

    /// <summary>The input ended first: the file was cut (copied while nginx wrote, a full disk, a damaged gzip).</summary>
    EndOfInput,

    /// <summary>Longer than the limit: skipped up to its newline without being held in memory.</summary>
    TooLong,
}

/// <summary>
/// Splits a byte stream into lines with a fixed buffer, so memory does not depend on the size of the log. Works on
/// bytes, not text: nginx escapes what is not printable ASCII, and a damaged byte must not break the line split.
/// </summary>
internal sealed class LogLineReader(Stream stream, int maxLineLengthInBytes = LogLineReader.DefaultMaxLineLengthInBytes)
{
    /// <summary>Far above nginx's own limits (a request line or header fits 8 KiB, and escaping at most quadruples it).</summary>
    public const int DefaultMaxLineLengthInBytes = 256 * 1024;

    private readonly byte[] _buffer = new byte[(maxLineLengthInBytes * 2) + 1];
    private int _start;
    private int _end;
    private bool _endOfInput;

    /// <summary>The 1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Bytes of (decompressed) input read so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Why decompression stopped before the end of the file, or null.</summary>
    public string? DecompressionError { get; private set; }

    /// <summary>
    /// The next line without its newline (and without a carriage return before it). The span is valid until the next
    /// call. Returns false at the end of the input.
    /// </summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line, out LineEnding ending)
    {
        bool skipping = false;
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                int lineStart = _start;
                _start += newline + 1;
                LineNumber++;
                ending = skipping || newline > maxLineLengthInBytes ? LineEnding.TooLong : LineEnding.Newline;
                line = ending == LineEnding.TooLong ? default : TrimCarriageReturn(_buffer.AsSpan(lineStart, newline));
                return true;
            }

            if (_end - _start > maxLineLengthInBytes)
            {
                // Too long: drop what we have and keep reading only to find its end.
                skipping = true;
                _start = _end = 0;
            }

            if (_endOfInput)
            {
                if (_end == _start && !skipping)
                {
                    line = default;
                    ending = LineEnding.Newline;
                    return false;
                }

                LineNumber++;
                ending = skipping ? LineEnding.TooLong : LineEnding.EndOfInput;
                line = skipping ? default : TrimCarriageReturn(_buffer.AsSpan(_start, _end - _start));
                _start = _end;
                return true;
            }

            Fill();
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        int read;
        try
        {
            read = stream.Read(_buffer, _end, _buffer.Length - _end);
        }
        catch (InvalidDataException ex)
        {
            // Damaged compressed data: what was decoded so far is still good, and the line cut by the damage is
            // returned as an ending-less last line like any other cut.
            DecompressionError = ex.Message;
            read = 0;
        }

        if (read == 0)
        {
            _endOfInput = true;
        }

        _end += read;
        BytesRead += read;
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
}
