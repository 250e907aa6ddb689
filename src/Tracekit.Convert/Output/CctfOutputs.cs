using System.Text;

namespace Tracekit.Convert.Output;

/// <summary>
/// Every file of one conversion. Nothing gets its final name until <see cref="Commit"/>: a conversion that fails
/// half-way removes its partial files and leaves any earlier complete output untouched.
/// </summary>
public sealed class CctfOutputs : IDisposable
{
    /// <summary>Hive-style partition folder prefix: DuckDB and Spark read <c>node=&lt;id&gt;</c> as a column.</summary>
    public const string PartitionPrefix = "node=";

    private readonly bool _partitionByNode;
    private readonly List<CctfFileSet> _sets = [];
    private readonly List<string> _partialDocuments = [];
    private CctfFileSet? _shared;
    private bool _committed;

    public CctfOutputs(string directory, bool partitionByNode)
    {
        System.IO.Directory.CreateDirectory(directory);
        Directory = directory;
        _partitionByNode = partitionByNode;
    }

    public string Directory { get; }

    /// <summary>The files a node's rows go to: shared by all nodes, or the node's own partition.</summary>
    public CctfFileSet For(string nodeId)
    {
        if (!_partitionByNode)
        {
            return _shared ??= Add(new CctfFileSet(Directory));
        }

        return Add(new CctfFileSet(Path.Combine(Directory, PartitionPrefix + nodeId)));
    }

    /// <summary>Called when a node is done: a partition's file handles are released (a run may have many nodes).</summary>
    public void NodeDone(CctfFileSet set)
    {
        if (_partitionByNode)
        {
            set.Close();
        }
    }

    /// <summary>Writes a whole small document (nodes.json, the audit) under its partial name.</summary>
    public void WriteDocument(string name, Action<Stream> write)
    {
        string partial = Path.Combine(Directory, name + JsonlFile.PartialSuffix);
        _partialDocuments.Add(partial);
        using var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None);
        write(stream);
    }

    public void WriteText(string name, string text) =>
        WriteDocument(name, stream => stream.Write(Encoding.UTF8.GetBytes(text)));

    public void Commit()
    {
        // A run without nodes still gets every file, so readers never meet a missing one.
        _ = _shared ?? (_partitionByNode ? null : For(string.Empty));
        foreach (var set in _sets)
        {
            set.Commit();
        }

        foreach (string partial in _partialDocuments)
        {
            File.Move(partial, partial[..^JsonlFile.PartialSuffix.Length], overwrite: true);
        }

        _committed = true;
    }

    public void Dispose()
    {
        foreach (var set in _sets)
        {
            set.Dispose();
        }

        if (!_committed)
        {
            foreach (string partial in _partialDocuments)
            {
                File.Delete(partial);
            }
        }
    }

    private CctfFileSet Add(CctfFileSet set)
    {
        _sets.Add(set);
        return set;
    }
}
