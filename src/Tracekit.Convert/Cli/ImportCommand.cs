using System.CommandLine;
using System.Globalization;
using Tracekit.Convert.Import;

namespace Tracekit.Convert.Cli;

/// <summary>
/// `tracekit-convert import nginx --log FILE --run-dir logs/R --node-id N [--format combined|tracekit] [--stage S]`:
/// an access log becomes a ring stream of the run, converted by `cctf` like any other (docs/cctf.md).
/// </summary>
internal static class ImportCommand
{
    public static readonly Option<string> LogOption = new("--log")
    {
        Description = "The nginx access log: plain text or gzip (recognised by its content, not its name).",
        Required = true,
    };

    public static readonly Option<string> RunDirOption = new("--run-dir")
    {
        Description = "The run folder, logs/<run-id>; created if missing.",
        Required = true,
    };

    public static readonly Option<string> NodeIdOption = new("--node-id")
    {
        Description = "The node that ran nginx: the requests go to <run-dir>/<node-id>/streams/nginx-<log>-<hash>/.",
        Required = true,
    };

    public static readonly Option<string> FormatOption = new("--format")
    {
        Description = "combined: nginx's default format (second resolution, no durations); tracekit: the richer format of docs/cctf.md.",
        DefaultValueFactory = _ => NginxLogFormats.CombinedName,
    };

    public static readonly Option<string?> StageOption = new("--stage")
    {
        Description = "The stage written with every row. Default: the stage of the node's existing rings, else empty.",
    };

    static ImportCommand() => FormatOption.AcceptOnlyFromAmong(NginxLogFormats.CombinedName, NginxLogFormats.TracekitName);

    public static Command Create(IConsoleOutput console)
    {
        var nginx = new Command("nginx", "Import an nginx access log: each request becomes an invocation (docs/cctf.md, \"Importing nginx access logs\").")
        {
            LogOption, RunDirOption, NodeIdOption, FormatOption, StageOption,
        };
        nginx.SetAction(parse => ConvertCli.Guard(console, () => Run(
            new NginxImportOptions
            {
                LogPath = parse.GetValue(LogOption)!,
                RunDirectory = parse.GetValue(RunDirOption)!,
                NodeId = parse.GetValue(NodeIdOption)!,
                Format = parse.GetValue(FormatOption) == NginxLogFormats.TracekitName ? NginxLogFormat.Tracekit : NginxLogFormat.Combined,
                Stage = parse.GetValue(StageOption),
            },
            console)));
        return new Command("import", "Import logs written by other programs into a run as ring streams.") { nginx };
    }

    public static ReturnCode Run(NginxImportOptions options, IConsoleOutput console)
    {
        var result = NginxImporter.Import(options);
        foreach (var line in result.FirstMalformed)
        {
            console.Error.WriteLine($"warning: malformed {line}");
        }

        if (result.Malformed > 0)
        {
            string more = result.Malformed > result.FirstMalformed.Count
                ? $" ({result.Malformed - result.FirstMalformed.Count:N0} not listed)"
                : "";
            console.Error.WriteLine(Inv($"warning: {result.Malformed:N0} malformed line(s) of {result.Lines:N0} were skipped{more}; the others were imported."));
        }

        if (result.LastLine == LastLineState.CutButComplete)
        {
            console.Error.WriteLine(Inv($"warning: line {result.Lines:N0}, the last, has no newline; all its fields were complete, so it was imported."));
        }

        if (result.DecompressionError is string damage)
        {
            console.Error.WriteLine(Inv($"warning: the gzip data ends badly after line {result.Lines:N0}: {damage.TrimEnd('.')}. Lines after that point, if any, could not be read."));
        }

        if (result.TruncatedFields > 0)
        {
            console.Error.WriteLine(Inv($"warning: {result.TruncatedFields:N0} request(s) had a method or path longer than the limit ({NginxRequest.MaxPathChars:N0} characters for paths); it was cut."));
        }

        string format = NginxLogFormats.Name(options.Format) + (result.IsGzip ? ", gzip" : "");
        string span = $"{Time(result.FirstStartEpochMs)} to {Time(result.LastEndEpochMs)}";
        console.Out.WriteLine(Inv($"Imported {result.Imported:N0} requests from {options.LogPath} ({format}, {span}) into {result.StreamDirectory} (stage '{result.Stage}')."));
        return ReturnCode.Ok;
    }

    private static string Time(long? epochMs) => epochMs is long ms
        ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)
        : "-";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
