namespace Tracekit.Collector.Dotnet;

/// <summary>
/// What `--dotnet [all|PID…]` asked for: explicit PIDs, or discovery (`all`, or the flag alone) of the .NET
/// processes the other target options select (every .NET process when there are none).
/// </summary>
public sealed record DotnetSelection(IReadOnlyList<int> Pids)
{
    public bool Discover => Pids.Count == 0;

    /// <summary>Parses the option's values: nothing or "all" → discovery; otherwise PIDs.</summary>
    public static DotnetSelection Parse(IReadOnlyList<string> values)
    {
        if (values.Count == 0 || (values.Count == 1 && values[0] == "all")) return new DotnetSelection([]);
        var pids = new List<int>();
        foreach (var value in values)
        {
            if (value == "all") throw new ArgumentException("--dotnet takes 'all' or PIDs, not both");
            if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid) || pid <= 0)
                throw new ArgumentException($"--dotnet '{value}' is neither 'all' nor a process id");
            pids.Add(pid);
        }
        return new DotnetSelection(pids);
    }
}
