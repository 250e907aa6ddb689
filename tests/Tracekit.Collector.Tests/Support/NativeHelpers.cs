namespace Tracekit.Collector.Tests.Support;

/// <summary>
/// The C workloads in Native/*.c, compiled once per test run with `cc -O2 -pthread` into a private temp folder.
/// C, not .NET, so their CPU use is exactly what the source says (no JIT, no GC threads).
/// </summary>
public static class NativeHelpers
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, string> Built = new();
    private static readonly Lazy<string> OutputDirectory = new(() =>
    {
        string dir = Directory.CreateTempSubdirectory("tk-coll-native-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        };
        return dir;
    });

    public static string Duty => Build("duty");
    public static string Spin => Build("spin");
    public static string Forker => Build("forker");
    public static string Churn => Build("churn");
    public static string PidReuse => Build("pidreuse");
    public static string MemJob => Build("memjob");

    /// <summary>Iterations of forker's loop that take about this much CPU on the reference machine (~1.4 ns each).</summary>
    public static long ForkerIterationsFor(TimeSpan cpu) => (long)(cpu.TotalSeconds / 1.4e-9);

    private static string Build(string name)
    {
        lock (Gate)
        {
            if (Built.TryGetValue(name, out var path)) return path;
            string source = Path.Combine(AppContext.BaseDirectory, "Native", name + ".c");
            string output = Path.Combine(OutputDirectory.Value, name);
            using (var cc = Spawned.Start("cc", ["-O2", "-pthread", "-Wall", "-o", output, source]))
            {
                int code = cc.WaitForExit(TimeSpan.FromSeconds(120));
                Assert.True(code == 0, $"cc failed to build {source} (exit {code}):\n{cc.Stderr}");
            }
            Built[name] = output;
            return output;
        }
    }
}
