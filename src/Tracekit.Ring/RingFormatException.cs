namespace Tracekit.Ring;

/// <summary>A ring segment whose header cannot be trusted. The message names the file and the byte offset.</summary>
public sealed class RingFormatException : IOException
{
    public RingFormatException(string filePath, long fileOffset, string detail)
        : base($"Ring segment '{filePath}' at offset {fileOffset}: {detail}")
    {
        FilePath = filePath;
        FileOffset = fileOffset;
    }

    public string FilePath { get; }

    public long FileOffset { get; }
}
