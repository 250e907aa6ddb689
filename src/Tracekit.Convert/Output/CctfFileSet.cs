using Tracekit.Convert.Cctf;

namespace Tracekit.Convert.Output;

/// <summary>The JSON Lines files of one output folder (the whole run, or one node's partition).</summary>
public sealed class CctfFileSet : IDisposable
{
    private readonly List<JsonlFile> _files = [];

    public CctfFileSet(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        Directory = directory;
        Invocations = Open(CctfFiles.Invocations);
        HostMetrics = Open(CctfFiles.HostMetrics);
        LinkMetrics = Open(CctfFiles.LinkMetrics);
        ProcCpu = Open(CctfFiles.ProcCpu);
        ProcRss = Open(CctfFiles.ProcRss);
        ProcMetrics = Open(CctfFiles.ProcMetrics);
        PlacementEvents = Open(CctfFiles.PlacementEvents);
        DotnetMetrics = Open(CctfFiles.DotnetMetrics);
        DotnetEvents = Open(CctfFiles.DotnetEvents);
        ProcessEvents = Open(CctfFiles.ProcessEvents);
        ClockAnchors = Open(CctfFiles.ClockAnchors);
        CgroupMetrics = Open(CctfFiles.CgroupMetrics);
    }

    public string Directory { get; }

    public JsonlFile Invocations { get; }

    public JsonlFile HostMetrics { get; }

    public JsonlFile LinkMetrics { get; }

    public JsonlFile ProcCpu { get; }

    public JsonlFile ProcRss { get; }

    public JsonlFile ProcMetrics { get; }

    public JsonlFile PlacementEvents { get; }

    public JsonlFile DotnetMetrics { get; }

    public JsonlFile DotnetEvents { get; }

    public JsonlFile ProcessEvents { get; }

    public JsonlFile ClockAnchors { get; }

    public JsonlFile CgroupMetrics { get; }

    public IReadOnlyList<JsonlFile> Files => _files;

    public void Close()
    {
        foreach (var file in _files)
        {
            file.Close();
        }
    }

    public void Commit()
    {
        foreach (var file in _files)
        {
            file.Commit();
        }
    }

    public void Dispose()
    {
        foreach (var file in _files)
        {
            file.Dispose();
        }
    }

    private JsonlFile Open(string name)
    {
        // Listed before the constructor can fail on a later file, so Dispose removes every partial file.
        var file = new JsonlFile(Path.Combine(Directory, name));
        _files.Add(file);
        return file;
    }
}
