using System.CommandLine;
using System.Globalization;
using Tracekit.Convert.Cctf;
using Tracekit.Convert.Opendc;
using Tracekit.Opendc.Validation;

namespace Tracekit.Convert.Cli;

/// <summary>`tracekit-convert opendc --run-dir logs/R --out DIR [--tasks invocations|processes] [--merge-below-mhz 0.1]`.</summary>
internal static class OpendcCommand
{
    public static readonly Option<string> RunDirOption = new("--run-dir") { Description = "The run folder, logs/<run-id>.", Required = true };
    public static readonly Option<string?> OutOption = new("--out", "-o") { Description = "The workload folder to write. Default: <run-dir>/opendc." };
    public static readonly Option<string> TasksOption = new("--tasks")
    {
        Description = "invocations: each batch job (invocation with a PID or cgroup) is a task; processes: each sampled process or selected cgroup is a task over its lifetime.",
        DefaultValueFactory = _ => "invocations",
    };
    public static readonly Option<double> MergeOption = new("--merge-below-mhz")
    {
        Description = "Merge adjacent fragments of a task while their usage stays within this many MHz.",
        DefaultValueFactory = _ => 0.1,
    };
    public static readonly Option<string> SampledTasksOption = new("--sampled-tasks")
    {
        Description = "With --tasks invocations, for requests recorded at a sample ratio below 1 (collect --dotnet-request-sample): as-sampled writes only the recorded ones; scale writes each round(1 / ratio) times, so the workload carries as many tasks as requests were served. The report says which.",
        DefaultValueFactory = _ => "as-sampled",
    };
    public static readonly Option<bool> SalvageOption = new("--salvage") { Description = "Convert around corruption in the middle of a ring instead of failing." };

    static OpendcCommand()
    {
        TasksOption.AcceptOnlyFromAmong("invocations", "processes");
        SampledTasksOption.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string>();
            if (value is not ("as-sampled" or "scale")) result.AddError($"--sampled-tasks '{value}' must be as-sampled or scale");
        });
    }

    public static Command Create(IConsoleOutput console)
    {
        var command = new Command("opendc", "Convert a run to an OpenDC workload: tasks.parquet, fragments.parquet, topology.json (docs/opendc.md).")
        {
            RunDirOption, OutOption, TasksOption, MergeOption, SalvageOption, SampledTasksOption,
        };
        command.SetAction(parse => ConvertCli.Guard(console, () =>
        {
            string runDir = parse.GetValue(RunDirOption)!;
            return Run(new OpendcOptions
            {
                RunDirectory = runDir,
                OutputDirectory = parse.GetValue(OutOption) ?? Path.Combine(runDir, "opendc"),
                Mode = parse.GetValue(TasksOption) == "processes" ? TaskMode.Processes : TaskMode.Invocations,
                MergeBelowMhz = parse.GetValue(MergeOption),
                Salvage = parse.GetValue(SalvageOption),
                ScaleSampled = parse.GetValue(SampledTasksOption) == "scale",
            }, console);
        }));
        return command;
    }

    public static ReturnCode Run(OpendcOptions options, IConsoleOutput console)
    {
        var progress = console.IsInteractive
            ? ProgressBar.For(console, CctfConverter.TotalBytes(options.RunDirectory), "opendc")
            : NoProgress.Instance;
        var result = OpendcConverter.Convert(options, progress);
        foreach (var w in result.Warnings.Take(20)) console.Error.WriteLine($"warning: {w}");
        if (result.Warnings.Count > 20) console.Error.WriteLine($"warning: … {result.Warnings.Count - 20} more");

        string report = ConversionReport.Render(options, result);
        File.WriteAllText(Path.Combine(options.OutputDirectory, "conversion_report.md"), report);
        double expected = result.Tasks.Sum(t => t.ExpectedMhzSeconds);
        double written = result.Tasks.Sum(t => t.FragmentMhzSeconds);
        double error = expected == 0 ? 0 : Math.Abs(written - expected) / expected;
        if (result.SampledTasks > 0) console.Out.WriteLine("opendc: " + ConversionReport.SampledLine(options, result)[2..]);
        // "Conserved" claims that CPU went in and came out: with none measured there is nothing to claim.
        console.Out.WriteLine(expected == 0 && written == 0
            ? $"opendc: {result.Tasks.Count} tasks, {result.Fragments} fragments in {options.OutputDirectory}; no CPU was measured for any task (see the warning above)"
            : string.Create(CultureInfo.InvariantCulture,
                $"opendc: {result.Tasks.Count} tasks, {result.Fragments} fragments in {options.OutputDirectory}; CPU conserved: Σ usage×duration = {written:0.###} MHz·s vs measured {expected:0.###} MHz·s ({error:P3} off)"));
        foreach (var r in result.Requests) console.Out.WriteLine($"opendc: requests: {r.Describe()}");

        // Our own output must pass the strict validator; a failure here is a converter bug, not the user's.
        var validation = OpendcValidator.Validate(options.OutputDirectory, Path.Combine(options.OutputDirectory, "topology.json"), strict: true);
        foreach (var f in validation.Findings) console.Error.WriteLine($"validate: {f}");
        if (validation.HasErrors) return ReturnCode.ValidationFailed;
        return error <= 0.01 ? ReturnCode.Ok : ReturnCode.UnknownError;
    }
}
