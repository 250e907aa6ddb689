using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Tracekit.Collector.Cli;

/// <summary>Parses the human units the CLI accepts: durations (10ms, 1s, 5m, 2h) and sizes (64KiB, 16MiB, 2GiB, 1G).</summary>
public static class ValueParsers
{
    public static bool TryParseDurationNs(string text, out long durationNs)
    {
        durationNs = 0;
        var s = text.Trim();
        int split = 0;
        while (split < s.Length && (char.IsAsciiDigit(s[split]) || s[split] == '.')) split++;
        if (split == 0 || !double.TryParse(s.AsSpan(0, split), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            return false;
        double unitNs = s[split..].ToLowerInvariant() switch
        {
            "ns" => 1,
            "us" => 1e3,
            "ms" => 1e6,
            "s" or "" => 1e9,
            "m" or "min" => 60e9,
            "h" => 3600e9,
            _ => double.NaN,
        };
        if (double.IsNaN(unitNs)) return false;
        var ns = value * unitNs;
        if (ns < 1 || ns > long.MaxValue / 2) return false;
        durationNs = (long)Math.Round(ns);
        return true;
    }

    public static bool TryParseSizeInBytes(string text, out long sizeInBytes)
    {
        sizeInBytes = 0;
        var s = text.Trim();
        int split = 0;
        while (split < s.Length && (char.IsAsciiDigit(s[split]) || s[split] == '.')) split++;
        if (split == 0 || !double.TryParse(s.AsSpan(0, split), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            return false;
        // Binary multiples for both spellings: ring capacities are powers of two, so "16M" means 16 MiB.
        double unit = s[split..].ToLowerInvariant() switch
        {
            "" or "b" => 1,
            "k" or "kb" or "kib" => 1L << 10,
            "m" or "mb" or "mib" => 1L << 20,
            "g" or "gb" or "gib" => 1L << 30,
            "t" or "tb" or "tib" => 1L << 40,
            _ => double.NaN,
        };
        if (double.IsNaN(unit)) return false;
        var bytes = value * unit;
        if (bytes < 1 || bytes > long.MaxValue / 2) return false;
        sizeInBytes = (long)bytes;
        return true;
    }

    public static string FormatDuration(long durationNs) => durationNs switch
    {
        < 1_000_000 => $"{durationNs / 1000.0:0.###}us",
        < 1_000_000_000 => $"{durationNs / 1e6:0.###}ms",
        _ => $"{durationNs / 1e9:0.###}s",
    };

    /// <summary>
    /// A duration option whose value is nanoseconds: the command line parses and range-checks it, so a bad value is a
    /// parse error (exit 2) naming the flag, the range (<paramref name="rangeText"/>, for example "from 1ms to 1h")
    /// and an example, before any command runs.
    /// </summary>
    public static Option<long> DurationNs(string name, string description, string defaultText, long minNs, long maxNs, string rangeText) =>
        new(name)
        {
            Description = description,
            DefaultValueFactory = _ => TryParseDurationNs(defaultText, out long ns) ? ns : throw new ArgumentException(defaultText),
            CustomParser = r => ParseDuration(r, minNs, maxNs, rangeText),
        };

    /// <summary><see cref="DurationNs"/> without a default: null when the flag is absent.</summary>
    public static Option<long?> OptionalDurationNs(string name, string description, long minNs, long maxNs, string rangeText) =>
        new(name) { Description = description, CustomParser = r => ParseDuration(r, minNs, maxNs, rangeText) };

    /// <summary>A size option whose value is bytes (binary multiples: 16M and 16MiB are both 16 MiB).</summary>
    public static Option<long> SizeInBytes(string name, string description, string defaultText, Func<long, bool> isValid, string validText) =>
        new(name)
        {
            Description = description,
            DefaultValueFactory = _ => TryParseSizeInBytes(defaultText, out long bytes) ? bytes : throw new ArgumentException(defaultText),
            CustomParser = r => ParseSize(r, isValid, validText),
        };

    /// <summary><see cref="SizeInBytes"/> without a default: null when the flag is absent.</summary>
    public static Option<long?> OptionalSizeInBytes(string name, string description, Func<long, bool> isValid, string validText) =>
        new(name) { Description = description, CustomParser = r => ParseSize(r, isValid, validText) };

    /// <summary>A number of CPU cores, fractional (0.5 = half a core), from <paramref name="minCores"/> to <paramref name="maxCores"/>; null when the flag is absent.</summary>
    public static Option<double?> OptionalCores(string name, string description, double minCores, double maxCores) =>
        new(name) { Description = description, CustomParser = r => ParseCores(r, minCores, maxCores) };

    private static double? ParseCores(ArgumentResult result, double minCores, double maxCores)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double cores) && cores >= minCores && cores <= maxCores)
            return cores;
        result.AddError($"{FlagName(result)} '{text}' is not a number of CPU cores from {minCores.ToString(CultureInfo.InvariantCulture)} to {maxCores.ToString(CultureInfo.InvariantCulture)} (for example 0.5 or 2)");
        return null;
    }

    private static long ParseDuration(ArgumentResult result, long minNs, long maxNs, string rangeText)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (TryParseDurationNs(text, out long ns) && ns >= minNs && ns <= maxNs) return ns;
        result.AddError($"{FlagName(result)} '{text}' is not a duration {rangeText} (for example 10ms, 30s, 5m)");
        return 0;
    }

    private static long ParseSize(ArgumentResult result, Func<long, bool> isValid, string validText)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (TryParseSizeInBytes(text, out long bytes) && isValid(bytes)) return bytes;
        result.AddError($"{FlagName(result)} '{text}' {validText}");
        return 0;
    }

    private static string FlagName(ArgumentResult result) => result.Parent is OptionResult option ? option.Option.Name : "the value";
}
