namespace Tracekit.Opendc.Validation;

/// <summary>
/// Collects findings. Row-level findings are capped per (file, column, rule) so that a file with millions of bad
/// rows keeps memory bounded and the report readable; the number left out is reported once at the end.
/// </summary>
internal sealed class FindingSink
{
    /// <summary>Enough rows to show a pattern; the rest are counted, not listed.</summary>
    public const int MaxPerRule = 20;

    private readonly bool _strict;
    private readonly List<Finding> _findings = [];
    private readonly Dictionary<(string File, string? Column, string Rule), (Severity Severity, long Count)> _perRule = [];

    public FindingSink(bool strict) => _strict = strict;

    public void Error(string file, string? column, long? row, string rule, string message) =>
        Add(Severity.Error, file, column, row, rule, message);

    public void Warning(string file, string? column, long? row, string rule, string message) =>
        Add(Severity.Warning, file, column, row, rule, message);

    public IReadOnlyList<Finding> Complete()
    {
        foreach (var ((file, column, rule), (severity, count)) in _perRule)
        {
            if (count > MaxPerRule)
            {
                _findings.Add(new Finding(
                    severity, file, column, null, $"{count - MaxPerRule} more '{rule}' findings not listed ({count} in all)"));
            }
        }

        _perRule.Clear();
        return _findings;
    }

    private void Add(Severity severity, string file, string? column, long? row, string rule, string message)
    {
        if (severity == Severity.Warning && _strict)
        {
            severity = Severity.Error;
            message += " (warning made an error by strict)";
        }

        var key = (file, column, rule);
        _perRule.TryGetValue(key, out var seen);
        _perRule[key] = (severity, seen.Count + 1);
        if (seen.Count < MaxPerRule)
        {
            _findings.Add(new Finding(severity, file, column, row, message));
        }
    }
}
