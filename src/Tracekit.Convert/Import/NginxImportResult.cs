namespace Tracekit.Convert.Import;

/// <summary>What `import nginx` was asked to do.</summary>
public sealed class NginxImportOptions
{
    public required string LogPath { get; init; }

    public required string RunDirectory { get; init; }

    public required string NodeId { get; init; }

    public NginxLogFormat Format { get; init; } = NginxLogFormat.Combined;

    /// <summary>Null: the stage of the node's existing rings, or empty when it has none.</summary>
    public string? Stage { get; init; }
}

/// <summary>A line that was not imported, and why.</summary>
public readonly record struct MalformedLine(long LineNumber, string Reason)
{
    public override string ToString() => $"line {LineNumber:N0}: {Reason}";
}

/// <summary>How the last line of the log ended.</summary>
public enum LastLineState
{
    /// <summary>With a newline, as nginx writes every line.</summary>
    Complete,

    /// <summary>Without a newline, but every field of the format was complete: imported.</summary>
    CutButComplete,

    /// <summary>Without a newline and incomplete: counted as malformed.</summary>
    CutAndMalformed,
}

/// <summary>What an import did.</summary>
public sealed class NginxImportResult
{
    /// <summary>Listed one by one; beyond this only counted.</summary>
    public const int MaxListedMalformed = 20;

    public long Lines { get; internal set; }

    public long Imported { get; internal set; }

    public long Malformed { get; internal set; }

    /// <summary>The first <see cref="MaxListedMalformed"/> malformed lines, in file order.</summary>
    public List<MalformedLine> FirstMalformed { get; } = [];

    /// <summary>Requests whose method or path was longer than its limit and was cut.</summary>
    public long TruncatedFields { get; internal set; }

    public LastLineState LastLine { get; internal set; }

    /// <summary>Why a gzip log could not be read to its end (damaged, or cut as its trailer shows), or null.</summary>
    public string? DecompressionError { get; internal set; }

    public bool IsGzip { get; internal set; }

    /// <summary>The stream folder written: <c>&lt;run&gt;/&lt;node&gt;/streams/nginx-…</c>.</summary>
    public string StreamDirectory { get; internal set; } = "";

    public string Stage { get; internal set; } = "";

    public long? FirstStartEpochMs { get; internal set; }

    public long? LastEndEpochMs { get; internal set; }

    internal void AddMalformed(long lineNumber, string reason)
    {
        Malformed++;
        if (FirstMalformed.Count < MaxListedMalformed)
        {
            FirstMalformed.Add(new MalformedLine(lineNumber, reason));
        }
    }

    internal void AddImported(in NginxRequest request)
    {
        Imported++;
        long start = request.StartEpochMs;
        FirstStartEpochMs = FirstStartEpochMs is long first ? Math.Min(first, start) : start;
        LastEndEpochMs = LastEndEpochMs is long last ? Math.Max(last, request.EndEpochMs) : request.EndEpochMs;
        if (request.Truncated)
        {
            TruncatedFields++;
        }
    }
}
