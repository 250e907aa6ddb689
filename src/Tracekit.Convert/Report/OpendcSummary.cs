using ParquetSharp;
using Tracekit.Opendc;

namespace Tracekit.Convert.Report;

/// <summary>
/// The OpenDC workload made from the run (<c>&lt;run&gt;/opendc/</c>, the default of `tracekit-convert opendc`), read
/// back from its parquet files: task and fragment counts, the CPU demand over time (Σ cpu_usage of the fragments
/// running, time-weighted per column) and the conservation line of conversion_report.md.
/// </summary>
internal sealed class OpendcSummary
{
    public const string FolderName = "opendc";

    public required string Folder { get; init; }

    public required int Tasks { get; init; }

    public required long Fragments { get; init; }

    /// <summary>Σ cpu_usage × duration over every fragment, MHz·s.</summary>
    public required double FragmentMhzSeconds { get; init; }

    public required string? ConservationLine { get; init; }

    public required double[] ColumnSeconds { get; init; }

    public required double[] DemandMhz { get; init; }

    /// <summary>Null when the run has no readable workload; a damaged one is named in a warning.</summary>
    public static OpendcSummary? TryRead(string runDirectory, Action<string> warn)
    {
        string folder = Path.Combine(runDirectory, FolderName);
        string tasksPath = Path.Combine(folder, OpendcColumns.TasksFileName);
        string fragmentsPath = Path.Combine(folder, OpendcColumns.FragmentsFileName);
        if (!File.Exists(tasksPath) || !File.Exists(fragmentsPath))
        {
            return null;
        }

        try
        {
            return Read(folder, tasksPath, fragmentsPath);
        }
        catch (Exception ex) when (ex is ParquetException or IOException or InvalidCastException or ArgumentException)
        {
            warn($"warning: the OpenDC workload in '{folder}' could not be read ({ex.Message}); the report leaves it out. Run `tracekit-convert validate-opendc --workload {folder}` for details.");
            return null;
        }
    }

    private static OpendcSummary Read(string folder, string tasksPath, string fragmentsPath)
    {
        var ids = ReadColumn<int>(tasksPath, OpendcColumns.Id);
        var submissions = ReadColumn<long>(tasksPath, OpendcColumns.SubmissionTime);
        var durations = ReadColumn<long>(tasksPath, OpendcColumns.Duration);
        var startByTask = new Dictionary<int, long>();
        long firstMs = long.MaxValue, lastMs = long.MinValue;
        for (int i = 0; i < ids.Length; i++)
        {
            startByTask[ids[i]] = submissions[i];
            firstMs = Math.Min(firstMs, submissions[i]);
            lastMs = Math.Max(lastMs, submissions[i] + durations[i]);
        }

        var fragmentTasks = ReadColumn<int>(fragmentsPath, OpendcColumns.Id);
        var fragmentDurations = ReadColumn<long>(fragmentsPath, OpendcColumns.Duration);
        var usages = ReadColumn<double>(fragmentsPath, OpendcColumns.CpuUsage);
        int columns = ReportBuilder.Columns;
        double widthMs = Math.Max(1, lastMs - firstMs) / (double)columns;
        var demand = new double[columns];
        var cursorByTask = new Dictionary<int, long>(startByTask);
        double mhzSeconds = 0;
        for (int i = 0; i < fragmentTasks.Length; i++)
        {
            // A task's fragments follow each other from its submission time, in file order.
            if (!cursorByTask.TryGetValue(fragmentTasks[i], out long startMs))
            {
                continue;
            }

            long endMs = startMs + fragmentDurations[i];
            cursorByTask[fragmentTasks[i]] = endMs;
            mhzSeconds += usages[i] * fragmentDurations[i] / 1000.0;
            Spread(demand, widthMs, startMs - firstMs, endMs - firstMs, usages[i]);
        }

        string reportPath = Path.Combine(folder, "conversion_report.md");
        string? conservation = File.Exists(reportPath)
            ? File.ReadLines(reportPath).FirstOrDefault(static l => l.StartsWith("- conservation:", StringComparison.Ordinal))?[2..]
            : null;
        return new OpendcSummary
        {
            Folder = folder,
            Tasks = ids.Length,
            Fragments = fragmentTasks.Length,
            FragmentMhzSeconds = mhzSeconds,
            ConservationLine = conservation,
            ColumnSeconds = [.. Enumerable.Range(0, columns).Select(c => (c + 0.5) * widthMs / 1000.0)],
            DemandMhz = demand,
        };
    }

    /// <summary>Adds a fragment's usage to the columns it overlaps, weighted by the overlap.</summary>
    private static void Spread(double[] demand, double widthMs, long fromMs, long toMs, double usageMhz)
    {
        int first = Math.Clamp((int)(fromMs / widthMs), 0, demand.Length - 1);
        int last = Math.Clamp((int)(toMs / widthMs), 0, demand.Length - 1);
        for (int c = first; c <= last; c++)
        {
            double overlapMs = Math.Min(toMs, (c + 1) * widthMs) - Math.Max(fromMs, c * widthMs);
            if (overlapMs > 0)
            {
                demand[c] += usageMhz * overlapMs / widthMs;
            }
        }
    }

    private static T[] ReadColumn<T>(string path, string name)
    {
        using var file = new ParquetFileReader(path);
        var metadata = file.FileMetaData;
        int index = metadata.Schema.ColumnIndex(name);
        if (index < 0)
        {
            throw new ArgumentException($"{Path.GetFileName(path)} has no column '{name}'");
        }

        var values = new List<T>((int)Math.Min(metadata.NumRows, 1 << 20));
        for (int g = 0; g < metadata.NumRowGroups; g++)
        {
            using var group = file.RowGroup(g);
            using var column = group.Column(index).LogicalReader<T>();
            values.AddRange(column.ReadAll(checked((int)group.MetaData.NumRows)));
        }

        return [.. values];
    }
}
