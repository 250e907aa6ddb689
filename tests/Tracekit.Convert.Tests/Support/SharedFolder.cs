namespace Tracekit.Convert.Tests.Support;

/// <summary>../shared relative to the repository root (the folder holding Tracekit.sln); null when absent.</summary>
public static class SharedFolder
{
    public static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tracekit.sln")))
            {
                string shared = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
                return Directory.Exists(shared) ? shared : null;
            }
        }

        return null;
    }

    public static string OpendcFixture(string relative)
    {
        string? shared = Find();
        Skip.If(shared is null, "../shared (the OpenDC fixtures) is not next to this clone of the repository");
        string path = Path.Combine(shared!, "fixtures", "opendc", relative);
        Skip.IfNot(Path.Exists(path), $"fixture {path} is missing");
        return path;
    }
}
