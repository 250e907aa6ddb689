namespace Tracekit.Opendc.Tests;

/// <summary>Locates ../shared (next to the repository root, the folder holding Tracekit.sln).</summary>
internal static class SharedFixtures
{
    public static readonly string? OpendcRoot = Find();

    public const string SkipReason =
        "../shared/fixtures/opendc (OpenDC's own fixtures, beside the repository root) is absent on this machine";

    public static string Valid(string name) => Path.Combine(OpendcRoot!, "valid", name);

    public static string Invalid(string name) => Path.Combine(OpendcRoot!, "invalid", name);

    public static string Topology(string name) => Path.Combine(OpendcRoot!, "topology", name);

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tracekit.sln")))
            {
                var root = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures", "opendc"));
                return Directory.Exists(root) ? root : null;
            }
        }

        return null;
    }
}
