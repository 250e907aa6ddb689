namespace Tracekit.Collector.Tests.Support;

/// <summary>A private scratch folder for one test, removed at the end.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "tk-coll")
    {
        Path = Directory.CreateTempSubdirectory(prefix + "-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
