using System.CommandLine;
using System.Globalization;
using Tracekit.Convert.Cctf;
using Tracekit.Convert.Report;

namespace Tracekit.Convert.Cli;

/// <summary>`tracekit-convert report --run-dir logs/R [--out FILE.html] [--salvage]`.</summary>
internal static class ReportCommand
{
    public static readonly Option<string?> OutOption = new("--out", "-o")
    {
        Description = "The HTML file to write. Default: <run-dir>/report.html.",
    };

    public static Command Create(IConsoleOutput console)
    {
        var command = new Command("report", "Write one self-contained HTML file with the run's plots (host, processes, jobs and requests, .NET, OpenDC; docs/report.md).")
        {
            CctfCommand.RunDirOption, OutOption, CctfCommand.SalvageOption,
        };
        command.SetAction(parse => ConvertCli.Guard(console, () => Run(
            new ReportOptions
            {
                RunDirectory = parse.GetValue(CctfCommand.RunDirOption)!,
                OutputPath = parse.GetValue(OutOption),
                Salvage = parse.GetValue(CctfCommand.SalvageOption),
            },
            console)));
        return command;
    }

    public static ReturnCode Run(ReportOptions options, IConsoleOutput console)
    {
        var progress = ProgressBar.For(console, CctfConverter.TotalBytes(options.RunDirectory), "report");
        int warnings = 0;
        var result = ReportBuilder.Build(options, progress, line =>
        {
            if (++warnings <= CctfCommand.MaxWarningsPrinted)
            {
                progress.Complete();
                console.Error.WriteLine(line);
            }
        });
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Report of {result.Records:N0} records of {result.Nodes} node(s), {result.Plots} plots, {result.SizeInBytes / 1024.0:0} KiB: {result.OutputPath}"));
        return ReturnCode.Ok;
    }
}
