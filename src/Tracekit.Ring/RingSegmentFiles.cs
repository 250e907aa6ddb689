using System.Globalization;

namespace Tracekit.Ring;

/// <summary>
/// The names of a ring's segment files (docs/ring-format.md, section 1): <c>ring-NNNNNN.tkr</c>, the index in at
/// least six digits. The one place that spells them; writers, readers and the run folder model use it.
/// </summary>
public static class RingSegmentFiles
{
    private const string Prefix = "ring-";
    private const string Extension = ".tkr";

    /// <summary>Matches every segment of a folder (and nothing else a run folder holds) in a directory listing.</summary>
    public const string SearchPattern = Prefix + "*" + Extension;

    public static string SegmentFileName(int index) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{index:D6}{Extension}");

    /// <summary>The index a segment file name carries; false for any other name.</summary>
    public static bool TryParseIndex(string fileName, out int index)
    {
        index = 0;
        if (!fileName.StartsWith(Prefix, StringComparison.Ordinal) || !fileName.EndsWith(Extension, StringComparison.Ordinal)) return false;
        ReadOnlySpan<char> digits = fileName.AsSpan(Prefix.Length, fileName.Length - Prefix.Length - Extension.Length);
        return digits.Length >= 6 && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    /// <summary>The segment files of <paramref name="directory"/> by index, not by name, so ring-1000000.tkr follows ring-999999.tkr.</summary>
    public static IReadOnlyList<string> Find(string directory)
    {
        var found = new List<(int Index, string Path)>();
        foreach (string path in Directory.EnumerateFiles(directory, SearchPattern))
        {
            if (TryParseIndex(Path.GetFileName(path), out int index)) found.Add((index, path));
        }
        found.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        return found.ConvertAll(static f => f.Path);
    }
}
