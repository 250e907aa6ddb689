using System.Text;
using Tracekit.Convert.Import;

namespace Tracekit.Convert.Tests;

public sealed class NginxLogLineReaderTests
{
    [Fact]
    public void TryReadLine_CrLfAndLastLineWithoutNewline_ReportsEachEnding()
    {
        var lines = ReadAll("a\r\nbb\n\nccc", maxLine: 16);

        Assert.Equal(
            [("a", LineEnding.Newline, 1L), ("bb", LineEnding.Newline, 2L), ("", LineEnding.Newline, 3L), ("ccc", LineEnding.EndOfInput, 4L)],
            lines);
    }

    [Fact]
    public void TryReadLine_LineLongerThanLimit_SkippedAndNumberedWithoutLosingTheNext()
    {
        string longLine = new('x', 100);
        var lines = ReadAll($"ok\n{longLine}\nafter\n{longLine}", maxLine: 16);

        Assert.Equal(
            [("ok", LineEnding.Newline, 1L), ("", LineEnding.TooLong, 2L), ("after", LineEnding.Newline, 3L), ("", LineEnding.TooLong, 4L)],
            lines);
    }

    [Fact]
    public void TryReadLine_OneByteReads_SameLines()
    {
        string text = "first line\nsecond\n" + new string('y', 40) + "\nlast";
        var whole = ReadAll(text, maxLine: 64);
        var trickled = ReadAll(text, maxLine: 64, trickle: true);

        Assert.Equal(whole, trickled);
        Assert.Equal(4, whole.Count);
    }

    [Fact]
    public void TryReadLine_EmptyInput_NoLines()
    {
        Assert.Empty(ReadAll("", maxLine: 16));
    }

    private static List<(string Text, LineEnding Ending, long Number)> ReadAll(string text, int maxLine, bool trickle = false)
    {
        Stream stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        if (trickle)
        {
            stream = new TrickleStream(stream);
        }

        var reader = new LogLineReader(stream, maxLine);
        var lines = new List<(string, LineEnding, long)>();
        while (reader.TryReadLine(out var line, out var ending))
        {
            lines.Add((Encoding.UTF8.GetString(line), ending, reader.LineNumber));
        }

        return lines;
    }

    /// <summary>Returns one byte per read, as a slow pipe or a decompressor may.</summary>
    private sealed class TrickleStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 1));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
