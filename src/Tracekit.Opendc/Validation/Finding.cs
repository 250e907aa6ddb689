using System.Text;

namespace Tracekit.Opendc.Validation;

public enum Severity
{
    /// <summary>OpenDC tolerates it, but the data is suspect. <c>strict</c> turns warnings into errors.</summary>
    Warning,

    /// <summary>OpenDC fails on it or silently misreads the data.</summary>
    Error,
}

/// <summary>One finding of the validator.</summary>
/// <param name="File">File relative to the workload folder (a part file is "tasks.parquet/part-0.parquet"), or the topology file name.</param>
/// <param name="Column">Column name, or a JSON path for topology findings; null for file-level findings.</param>
/// <param name="Row">0-based row within the file, counted across row groups; null when not about one row.</param>
public sealed record Finding(Severity Severity, string File, string? Column, long? Row, string Message)
{
    /// <summary>Formats as <c>tasks.parquet:duration row 3: error: duration must be &gt; 0 (got 0)</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(File);
        if (Column is not null)
        {
            text.Append(':').Append(Column);
        }

        if (Row is long row)
        {
            text.Append(" row ").Append(row);
        }

        text.Append(Severity == Severity.Error ? ": error: " : ": warning: ").Append(Message);
        return text.ToString();
    }
}

/// <summary>Outcome of <see cref="OpendcValidator.Validate"/>.</summary>
public sealed class ValidationReport
{
    internal ValidationReport(IReadOnlyList<Finding> findings, int taskCount, long fragmentCount)
    {
        Findings = findings;
        TaskCount = taskCount;
        FragmentCount = fragmentCount;
        HasErrors = findings.Any(static f => f.Severity == Severity.Error);
    }

    public IReadOnlyList<Finding> Findings { get; }

    /// <summary>True when OpenDC would fail or misread the workload (with strict, also when there were warnings).</summary>
    public bool HasErrors { get; }

    /// <summary>Task rows read from tasks.parquet (all part files).</summary>
    public int TaskCount { get; }

    /// <summary>Fragment rows read from fragments.parquet (all part files).</summary>
    public long FragmentCount { get; }

    public override string ToString() => string.Join(Environment.NewLine, Findings);
}
