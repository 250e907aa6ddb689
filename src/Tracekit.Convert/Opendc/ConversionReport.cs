using System.Globalization;
using System.Text;

namespace Tracekit.Convert.Opendc;

/// <summary>conversion_report.md beside the workload: per task, what was measured and what the fragments carry.</summary>
internal static class ConversionReport
{
    public static string Render(OpendcOptions options, OpendcResult result)
    {
        var s = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        s.AppendLine("# OpenDC conversion report").AppendLine();
        s.AppendLine(inv, $"- run: `{options.RunDirectory}`");
        s.AppendLine(inv, $"- mode: `{options.Mode.ToString().ToLowerInvariant()}`, merge below {options.MergeBelowMhz} MHz");
        s.AppendLine(inv, $"- tasks: {result.Tasks.Count}, fragments: {result.Fragments}");
        if (result.SampledTasks > 0) s.AppendLine(SampledLine(options, result));
        double expected = result.Tasks.Sum(t => t.ExpectedMhzSeconds), written = result.Tasks.Sum(t => t.FragmentMhzSeconds);
        if (expected == 0 && written == 0) s.AppendLine("- conservation: no CPU was measured for any task (see the warnings)");
        else s.AppendLine(inv, $"- conservation: Σ cpu_usage × duration = {written:0.###} MHz·s; measured CPU-seconds × MHz = {expected:0.###} MHz·s; difference {(expected == 0 ? 0 : Math.Abs(written - expected) / expected):P4} (limit 1%)");
        foreach (var r in result.Requests) s.AppendLine(inv, $"- requests: {r.Describe()}");
        s.AppendLine().AppendLine("| task | name | node | duration ms | CPU s | MHz | Σ usage×duration MHz·s | error |").AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var t in result.Tasks)
            s.AppendLine(inv, $"| {t.TaskId} | {t.Name.Replace("|", "\\|", StringComparison.Ordinal)} | {t.NodeId} | {t.DurationMs} | {t.MeasuredCpuSeconds:0.####} | {t.MaxMhz:0.#} | {t.FragmentMhzSeconds:0.###} | {t.RelativeError:P4} |");
        if (result.Warnings.Count > 0)
        {
            s.AppendLine().AppendLine("## Warnings").AppendLine();
            foreach (var w in result.Warnings) s.AppendLine(inv, $"- {w}");
        }
        return s.ToString();
    }

    /// <summary>Says whether the tasks of sampled requests are the recorded ones only or scaled (`--sampled-tasks`).</summary>
    public static string SampledLine(OpendcOptions options, OpendcResult result) => options.ScaleSampled
        ? string.Create(CultureInfo.InvariantCulture, $"- sampled requests: {result.SampledTasks} tasks came from sampled requests; scaled (`--sampled-tasks scale`): each written round(1 / sampleRatio) times, {result.ScaledCopies} copies added, so the task count stands for the requests served")
        : string.Create(CultureInfo.InvariantCulture, $"- sampled requests: {result.SampledTasks} tasks came from sampled requests; written as sampled (`--sampled-tasks as-sampled`): only the recorded requests are tasks, the workload has fewer tasks than the service served");
}
