using System.Globalization;
using System.Text;
using Tracekit.Convert.Reading;
using Tracekit.Ring;

namespace Tracekit.Convert.Import;

/// <summary>
/// `tracekit-convert import nginx`: streams an access log into a new ring stream of a node, one invocation per
/// request (docs/cctf.md, "Importing nginx access logs"). The ring is written under a hidden name in the node folder
/// and renamed into <c>streams/</c> only when the import succeeded, so a failed import leaves nothing a conversion reads.
/// </summary>
public static class NginxImporter
{
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <exception cref="ConvertException">A bad argument, a log already imported, or a log with no importable line.</exception>
    public static NginxImportResult Import(NginxImportOptions options)
    {
        string nodeId = ImportNames.ValidateNodeId(options.NodeId);
        string runDirectory = Path.GetFullPath(options.RunDirectory);
        if (File.Exists(runDirectory))
        {
            throw new ConvertException(ReturnCode.RunNotFound, $"'{runDirectory}' is a file; --run-dir takes a run folder such as logs/<run-id>.");
        }

        using var input = LogInput.Open(options.LogPath, options.Format);
        string nodeDirectory = Path.Combine(runDirectory, nodeId);
        string streamName = ImportNames.StreamName(options.LogPath, input.Fingerprint);
        string streamsDirectory = Path.Combine(nodeDirectory, RunLayout.StreamsFolderName);
        string finalDirectory = Path.Combine(streamsDirectory, streamName);
        if (Directory.Exists(finalDirectory))
        {
            throw AlreadyImported(options.LogPath, nodeId, finalDirectory);
        }

        string stage = options.Stage ?? ImportNames.ExistingStage(nodeDirectory) ?? "";
        ImportNames.ValidateStage(stage);
        bool createdRun = CreateFolder(runDirectory);
        bool createdNode = CreateFolder(nodeDirectory);

        // Hidden and outside streams/: RunLayout never reads it, even if this process dies half-way.
        string temporaryDirectory = Path.Combine(nodeDirectory,
            $".import-{streamName}-{Environment.ProcessId}-{Random.Shared.Next():x8}");
        var result = new NginxImportResult { Stage = stage, IsGzip = input.IsGzip };
        bool published = false;
        try
        {
            using (var ring = new InvocationRing(new RingOptions
            {
                DirectoryPath = temporaryDirectory,
                SegmentCapacityInBytes = InvocationRing.SegmentCapacityFor(input.FileLengthInBytes, input.IsGzip),
                RunId = ImportNames.FitUtf8(Path.GetFileName(runDirectory.TrimEnd('/')), 63),
                NodeId = nodeId,
                Stage = stage,
            }))
            {
                ReadLines(input, options.Format, new GeneratedIds(input.Fingerprint), ring, result);
            }

            if (result.Imported == 0)
            {
                throw NothingImported(options, result);
            }

            CreateFolder(streamsDirectory);
            if (Directory.Exists(finalDirectory))
            {
                throw AlreadyImported(options.LogPath, nodeId, finalDirectory); // imported by a concurrent run meanwhile
            }

            Directory.Move(temporaryDirectory, finalDirectory);
            published = true;
            result.StreamDirectory = finalDirectory;
            return result;
        }
        finally
        {
            if (!published)
            {
                // Leave the run as it was: no half-written ring, and no folder this import created for nothing.
                if (Directory.Exists(temporaryDirectory))
                {
                    Directory.Delete(temporaryDirectory, recursive: true);
                }

                DeleteIfCreatedAndEmpty(createdNode, nodeDirectory);
                DeleteIfCreatedAndEmpty(createdRun, runDirectory);
            }
        }
    }

    private static void ReadLines(LogInput input, NginxLogFormat format, GeneratedIds ids, InvocationRing ring, NginxImportResult result)
    {
        var reader = new LogLineReader(input.Stream);
        while (reader.TryReadLine(out ReadOnlySpan<byte> line, out LineEnding ending))
        {
            long number = reader.LineNumber;
            result.Lines = number;
            if (ending == LineEnding.TooLong)
            {
                result.AddMalformed(number, $"longer than {LogLineReader.DefaultMaxLineLengthInBytes:N0} bytes (skipped)");
                continue;
            }

            if (line.IsEmpty)
            {
                result.AddMalformed(number, "empty line");
                continue;
            }

            if (!NginxLineParser.TryParse(line, format, out var request, out int column, out string? error))
            {
                if (ending == LineEnding.EndOfInput)
                {
                    result.LastLine = LastLineState.CutAndMalformed;
                    error += "; the line has no newline at the end of the file, so it was cut while being written or copied";
                }

                result.AddMalformed(number, $"column {column}: {error}");
                continue;
            }

            if (ending == LineEnding.EndOfInput)
            {
                result.LastLine = LastLineState.CutButComplete;
            }

            string traceId = request.TraceId ?? request.RequestId ?? ids.TraceId(number);
            // $request_id's last 16 digits are 64 random bits: a span id as unique as nginx's own request id.
            string spanId = request.RequestId is string requestId ? requestId[16..] : ids.SpanId(number);
            ring.Append(request, traceId, spanId);
            result.AddImported(request);
        }

        result.DecompressionError = reader.DecompressionError;
        if (result.DecompressionError is null && !input.MatchesGzipTrailer(reader.BytesRead))
        {
            // The last 4 bytes of a cut file are not a trailer but whatever data the cut left there: never print them.
            result.DecompressionError =
                "the file ends before its gzip stream does, so it was most likely cut (copied or rotated while nginx was writing it; " +
                "gzip files joined end to end also read this way); " +
                "import the complete file to get the rest";
        }
    }

    private static ConvertException AlreadyImported(string logPath, string nodeId, string directory) =>
        new(ReturnCode.ArgumentError,
            $"'{logPath}' was already imported into node '{nodeId}' ({directory}); delete that folder to import it again.");

    /// <summary>A log without one good line is almost always the wrong --format: say which format the lines are in.</summary>
    private static ConvertException NothingImported(NginxImportOptions options, NginxImportResult result)
    {
        string format = NginxLogFormats.Name(options.Format);
        if (result.Lines == 0)
        {
            return new ConvertException(ReturnCode.ArgumentError, $"'{options.LogPath}' holds no lines; nothing was imported.");
        }

        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture,
            $"none of the {result.Lines:N0} lines of '{options.LogPath}' is an nginx access log line in the {format} format; nothing was imported.");
        if (result.FirstMalformed.Count > 0)
        {
            message.Append(CultureInfo.InvariantCulture, $" First: {result.FirstMalformed[0]}.");
        }

        var other = options.Format == NginxLogFormat.Tracekit ? NginxLogFormat.Combined : NginxLogFormat.Tracekit;
        if (ImportNames.FirstLineParsesAs(options.LogPath, other))
        {
            message.Append(CultureInfo.InvariantCulture, $" The first line is in the {NginxLogFormats.Name(other)} format: try --format {NginxLogFormats.Name(other)}.");
        }

        return new ConvertException(ReturnCode.ArgumentError, message.ToString());
    }

    /// <summary>Creates a folder with mode 0700; true when it did not exist.</summary>
    private static bool CreateFolder(string path)
    {
        if (Directory.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return true;
        }

        Directory.CreateDirectory(path, FolderMode);
        File.SetUnixFileMode(path, FolderMode); // exact mode whatever the umask
        return true;
    }

    private static void DeleteIfCreatedAndEmpty(bool created, string path)
    {
        if (created && Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any())
        {
            Directory.Delete(path);
        }
    }
}
