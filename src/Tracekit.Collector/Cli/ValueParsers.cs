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
}
