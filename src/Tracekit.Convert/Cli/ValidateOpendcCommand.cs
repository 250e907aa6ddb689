using System.CommandLine;
using Tracekit.Opendc.Validation;

namespace Tracekit.Convert.Cli;

/// <summary>`tracekit-convert validate-opendc DIR [--strict] [--topology FILE]`.</summary>
internal static class ValidateOpendcCommand
{
    public static readonly Argument<string> DirectoryArgument = new("DIR")
    {
        Description = "The workload folder: tasks.parquet and fragments.parquet (files or folders of part files).",
    };

    public static readonly Option<bool> StrictOption = new("--strict")
    {
        Description = "Treat warnings (suspect but tolerated by OpenDC) as errors.",
    };

    public static readonly Option<string?> TopologyOption = new("--topology")
    {
        Description = "Also check this topology.json, and that every task fits on one of its hosts.",
    };

    public static Command Create(IConsoleOutput console)
    {
        var command = new Command("validate-opendc", "Check an OpenDC workload folder against every rule of the workload contract (docs/opendc.md).")
        {
            DirectoryArgument, StrictOption, TopologyOption,
        };
        command.SetAction(parse => ConvertCli.Guard(console, () => Run(
            parse.GetValue(DirectoryArgument)!, parse.GetValue(TopologyOption), parse.GetValue(StrictOption), console)));
        return command;
    }

    public static ReturnCode Run(string directory, string? topologyPath, bool strict, IConsoleOutput console)
    {
        if (!Directory.Exists(directory))
        {
            throw new ConvertException(ReturnCode.ArgumentError, $"Workload folder '{directory}' does not exist.");
        }

        if (topologyPath is not null && !File.Exists(topologyPath))
        {
            throw new ConvertException(ReturnCode.ArgumentError, $"Topology file '{topologyPath}' does not exist.");
        }

        var report = OpendcValidator.Validate(directory, topologyPath, strict);
        foreach (var finding in report.Findings)
        {
            console.Out.WriteLine(finding.ToString());
        }

        int errors = report.Findings.Count(static f => f.Severity == Severity.Error);
        int warnings = report.Findings.Count - errors;
        console.Out.WriteLine(
            $"{(report.HasErrors ? "INVALID" : "valid")}: {errors} error(s), {warnings} warning(s); {report.TaskCount:N0} tasks, {report.FragmentCount:N0} fragments.");
        return report.HasErrors ? ReturnCode.ValidationFailed : ReturnCode.Ok;
    }
}
