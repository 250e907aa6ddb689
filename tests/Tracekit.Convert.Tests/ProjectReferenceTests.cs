using System.Xml.Linq;

namespace Tracekit.Convert.Tests;

/// <summary>
/// The converter's build closure, read from the csproj files: it reaches the run contracts through
/// Tracekit.Contracts and never links the collector's side (the EventPipe client, the /proc readers, the load
/// generator).
/// </summary>
public sealed class ProjectReferenceTests
{
    private static readonly string[] CollectorSideProjects = ["Tracekit.EventPipe", "Tracekit.Procfs", "Tracekit.Load", "Tracekit.Collector"];

    [Fact]
    public void ConverterClosure_ParsedFromCsprojFiles_HoldsNoCollectorSideProject()
    {
        var closure = Closure(Path.Combine(RepoRoot(), "src", "Tracekit.Convert", "Tracekit.Convert.csproj"));

        Assert.Contains("Tracekit.Contracts", closure.Keys);
        Assert.Contains("Tracekit.Dotnet", closure.Keys);
        Assert.All(CollectorSideProjects, p => Assert.DoesNotContain(p, closure.Keys));
    }

    [Fact]
    public void ConverterClosure_ParsedFromCsprojFiles_NoProjectReferencesTheEventPipeClient()
    {
        var closure = Closure(Path.Combine(RepoRoot(), "src", "Tracekit.Convert", "Tracekit.Convert.csproj"));

        var referencing = closure.Where(p => Packages(p.Value).Contains("Microsoft.Diagnostics.NETCore.Client")).Select(p => p.Key);
        Assert.Empty(referencing);
    }

    [Fact]
    public void CollectorClosure_ParsedFromCsprojFiles_HoldsTheEventPipeClientAndTheContracts()
    {
        // The same parse over a project known to reach them: the two tests above cannot pass by reading nothing.
        var closure = Closure(Path.Combine(RepoRoot(), "src", "Tracekit.Collector", "Tracekit.Collector.csproj"));

        Assert.Contains("Tracekit.EventPipe", closure.Keys);
        Assert.Contains("Tracekit.Contracts", closure.Keys);
        Assert.Contains(closure, p => Packages(p.Value).Contains("Microsoft.Diagnostics.NETCore.Client"));
    }

    [Fact]
    public void ReadmeReferenceTable_ComparedWithCsprojFiles_SameEdgesForEverySourceProject()
    {
        string root = RepoRoot();
        var documented = ReadmeReferences(Path.Combine(root, "README.md"));
        var actual = Directory.GetDirectories(Path.Combine(root, "src"))
            .Select(d => Path.Combine(d, Path.GetFileName(d) + ".csproj")).Where(File.Exists)
            .ToDictionary(p => Path.GetFileNameWithoutExtension(p), p => Items(p, "ProjectReference").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal).ToList());

        Assert.Equal(actual.Keys.Order(StringComparer.Ordinal), documented.Keys.Order(StringComparer.Ordinal));
        Assert.All(actual, p => Assert.True(p.Value.SequenceEqual(documented[p.Key]),
            $"{p.Key}: the csproj references [{string.Join(", ", p.Value)}], README.md says [{string.Join(", ", documented[p.Key])}]"));
    }

    /// <summary>The rows of README.md's "Project references" table: project to its references, sorted.</summary>
    private static Dictionary<string, List<string>> ReadmeReferences(string readme)
    {
        var rows = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        bool inSection = false;
        foreach (string line in File.ReadLines(readme))
        {
            if (line.StartsWith('#')) inSection = line == "### Project references";
            if (!inSection || !line.StartsWith("| `", StringComparison.Ordinal)) continue;
            string[] cells = line.Split('|', StringSplitOptions.TrimEntries);
            rows[cells[1].Trim('`')] = cells[2] == "none" ? [] : cells[2].Split(',', StringSplitOptions.TrimEntries).Select(c => c.Trim('`')).Order(StringComparer.Ordinal).ToList();
        }
        return rows;
    }

    /// <summary>Every project reachable from <paramref name="csproj"/> through ProjectReference, by name, with its path.</summary>
    private static Dictionary<string, string> Closure(string csproj)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(csproj)]);
        while (pending.TryPop(out string? path))
        {
            if (!found.TryAdd(Path.GetFileNameWithoutExtension(path), path)) continue;
            foreach (string include in Items(path, "ProjectReference"))
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, include)));
        }
        return found;
    }

    private static HashSet<string> Packages(string csproj) => Items(csproj, "PackageReference").ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<string> Items(string csproj, string itemName) =>
        XDocument.Load(csproj).Descendants(itemName).Select(e => (string?)e.Attribute("Include")).OfType<string>();

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tracekit.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("no Tracekit.sln above " + AppContext.BaseDirectory);
    }
}
