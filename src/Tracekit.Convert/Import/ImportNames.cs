using System.Text;
using Tracekit.Convert.Reading;
using Tracekit.Ring;

namespace Tracekit.Convert.Import;

/// <summary>Names and checks around an import: node ids, stream names, the stage of an existing node.</summary>
internal static class ImportNames
{
    /// <summary>The ring header's node id field holds at most 63 UTF-8 bytes, the stage 31.</summary>
    private const int MaxNodeIdBytes = 63;
    private const int MaxStageBytes = 31;
    private const int MaxNamePartChars = 40;

    /// <summary>A node id names a folder of the run: one plain, visible path component.</summary>
    public static string ValidateNodeId(string nodeId)
    {
        if (string.IsNullOrEmpty(nodeId) || nodeId is "." or ".." || nodeId.StartsWith('.')
            || nodeId.AsSpan().IndexOfAny('/', '\0') >= 0 || Encoding.UTF8.GetByteCount(nodeId) > MaxNodeIdBytes)
        {
            throw new ConvertException(ReturnCode.ArgumentError,
                $"--node-id '{nodeId}' must be a folder name: not empty, no '/', not starting with '.', at most {MaxNodeIdBytes} UTF-8 bytes.");
        }

        return nodeId;
    }

    public static void ValidateStage(string stage)
    {
        if (stage.Contains('\0') || Encoding.UTF8.GetByteCount(stage) > MaxStageBytes)
        {
            throw new ConvertException(ReturnCode.ArgumentError, $"--stage '{stage}' must be at most {MaxStageBytes} UTF-8 bytes.");
        }
    }

    /// <summary>
    /// <c>nginx-&lt;file name&gt;-&lt;12 hex digits of the fingerprint&gt;</c>: readable, and the same for the same log, so
    /// importing one log twice into one node is refused instead of doubling its requests.
    /// </summary>
    public static string StreamName(string logPath, ReadOnlySpan<byte> fingerprint)
    {
        var name = new StringBuilder("nginx-");
        foreach (char c in Path.GetFileName(logPath).TrimStart('.'))
        {
            if (name.Length - "nginx-".Length >= MaxNamePartChars)
            {
                break;
            }

            name.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        }

        return name.Append('-').Append(System.Convert.ToHexStringLower(fingerprint[..6])).ToString();
    }

    /// <summary>The stage in the header of the node's collector ring, else of its first stream; null when it has no ring.</summary>
    public static string? ExistingStage(string nodeDirectory)
    {
        if (!Directory.Exists(nodeDirectory))
        {
            return null;
        }

        var candidates = new List<string> { nodeDirectory };
        string streams = Path.Combine(nodeDirectory, RunLayout.StreamsFolderName);
        if (Directory.Exists(streams))
        {
            candidates.AddRange(Directory.EnumerateDirectories(streams).Order(StringComparer.Ordinal));
        }

        foreach (string directory in candidates)
        {
            if (RingSegmentFiles.Find(directory).Count == 0)
            {
                continue;
            }

            try
            {
                using var reader = RingReader.Open(directory);
                return reader.Header.Stage;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A damaged or unreadable ring: try the next one; the conversion will report the damage.
            }
        }

        return null;
    }

    /// <summary>Cuts a string to at most <paramref name="maxBytes"/> UTF-8 bytes without splitting a character.</summary>
    public static string FitUtf8(string text, int maxBytes)
    {
        while (Encoding.UTF8.GetByteCount(text) > maxBytes)
        {
            text = text[..^(char.IsLowSurrogate(text[^1]) && text.Length > 1 ? 2 : 1)];
        }

        return text;
    }

    /// <summary>Whether the log's first non-empty line parses in <paramref name="format"/>: the hint for a wrong --format.</summary>
    public static bool FirstLineParsesAs(string logPath, NginxLogFormat format)
    {
        using var input = LogInput.Open(logPath, format);
        var reader = new LogLineReader(input.Stream);
        try
        {
            while (reader.TryReadLine(out var line, out var ending))
            {
                if (ending != LineEnding.TooLong && !line.IsEmpty)
                {
                    return NginxLineParser.TryParse(line, format, out _, out _, out _);
                }
            }
        }
        catch (IOException)
        {
            // Only a hint: an unreadable file gets none.
        }

        return false;
    }
}
