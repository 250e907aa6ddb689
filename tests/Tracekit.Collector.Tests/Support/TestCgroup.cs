namespace Tracekit.Collector.Tests.Support;

/// <summary>A cgroup directory a test creates (root only) and removes again once its processes are gone.</summary>
public sealed class TestCgroup : IDisposable
{
    public TestCgroup(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
    }

    public string Directory { get; }

    public void Add(int pid) => File.WriteAllText(Path.Combine(Directory, "cgroup.procs"), pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose()
    {
        // rmdir fails with EBUSY while a (just killed) member is still being torn down: retry briefly.
        Proc.WaitFor(() =>
        {
            try { System.IO.Directory.Delete(Directory); return true; }
            catch (DirectoryNotFoundException) { return true; }
            catch (IOException) { return false; }
        }, TimeSpan.FromSeconds(5), pollMs: 50);
    }
}
