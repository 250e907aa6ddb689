using System.CommandLine;
using Tracekit.Convert.Cctf;

namespace Tracekit.Convert.Cli;

/// <summary>`tracekit-convert cctf --run-dir logs/R [--out DIR] [--salvage] [--partition-by none|node]`.</summary>
internal static class CctfCommand
{
    /// <summary>Warnings beyond this many are counted on the console; the audit lists them.</summary>
    public const int MaxWarningsPrinted = 20;

    public static readonly Option<string> RunDirOption = new("--run-dir")
    {
        Description = "The run folder, logs/<run-id>: one folder per node, each with its ring segments.",
        Required = true,
    };

    public static readonly Option<string?> OutOption = new("--out", "-o")
    {
        Description = "The output folder. Default: <run-dir>/cctf.",
    };

    public static readonly Option<bool> SalvageOption = new("--salvage")
    {
        Description = "Convert around corruption in the middle of a ring (skipped ranges are listed in audit_report.md) instead of failing.",
    };

    public static readonly Option<string> PartitionByOption = new("--partition-by")
    {
        Description = "none: one file per kind; node: the JSON Lines files under node=<id>/ (read in parallel by DuckDB or Spark).",
        DefaultValueFactory = _ => "none",
    };

    static CctfCommand() => PartitionByOption.AcceptOnlyFromAmong("none", "node");

    public static Command Create(IConsoleOutput console)
    {
        var command = new Command("cctf", "Convert a run's rings to the CCTF JSON Lines files and audit_report.md (docs/cctf.md).")
        {
            RunDirOption, OutOption, SalvageOption, PartitionByOption,
        };
        command.SetAction(parse => ConvertCli.Guard(console, () => Run(
            new CctfOptions
            {
                RunDirectory = parse.GetValue(RunDirOption)!,
                OutputDirectory = parse.GetValue(OutOption),
                Salvage = parse.GetValue(SalvageOption),
                PartitionByNode = parse.GetValue(PartitionByOption) == "node",
            },
            console)));
        return command;
    }

    public static ReturnCode Run(CctfOptions options, IConsoleOutput console)
    {
        var progress = console.IsInteractive
            ? ProgressBar.For(console, CctfConverter.TotalBytes(options.RunDirectory), "cctf")
            : NoProgress.Instance;
        int warnings = 0;
        void Warn(string line)
        {
            if (++warnings <= MaxWarningsPrinted)
            {
                progress.Complete();
                console.Error.WriteLine(line);
            }
        }

        var result = CctfConverter.Convert(options, progress, Warn);
        if (warnings > MaxWarningsPrinted)
        {
            console.Error.WriteLine($"warning: {warnings - MaxWarningsPrinted} more warnings; see {CctfFiles.AuditReport}.");
        }

        console.Out.WriteLine(
            $"Converted {result.Records:N0} records of {result.Nodes.Count} node(s) into {result.OutputDirectory} " +
            $"(audit: {Path.Combine(result.OutputDirectory, CctfFiles.AuditReport)}).");
        if (result.DamagedRecords > 0)
        {
            console.Error.WriteLine($"warning: {result.DamagedRecords:N0} damaged records were skipped; see {CctfFiles.AuditReport}.");
        }

        return ReturnCode.Ok;
    }
}
