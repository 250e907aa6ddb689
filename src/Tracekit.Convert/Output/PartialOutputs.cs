namespace Tracekit.Convert.Output;

/// <summary>
/// A set of output files written as <c>&lt;name&gt;.partial</c> and renamed together by <see cref="Commit"/>. Until
/// then a reader of the folder sees the previous complete set (or nothing), never a file cut short by a failure.
/// </summary>
public sealed class PartialOutputs(string directory)
{
    private readonly List<string> _finalPaths = [];
    private bool _committed;

    /// <summary>Registers <paramref name="fileName"/>; returns the partial path to write it to.</summary>
    public string Add(string fileName)
    {
        string finalPath = Path.Combine(directory, fileName);
        _finalPaths.Add(finalPath);
        return finalPath + JsonlFile.PartialSuffix;
    }

    /// <summary>Renames every partial file that was written to its final name.</summary>
    public void Commit()
    {
        foreach (string finalPath in _finalPaths)
        {
            File.Move(finalPath + JsonlFile.PartialSuffix, finalPath, overwrite: true);
        }

        _committed = true;
    }

    /// <summary>After a failure: removes the partial files (a no-op once committed).</summary>
    public void DeleteUncommitted()
    {
        if (_committed)
        {
            return;
        }

        foreach (string finalPath in _finalPaths)
        {
            File.Delete(finalPath + JsonlFile.PartialSuffix);
        }
    }
}
