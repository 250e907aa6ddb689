using System.Text.Json;
using Tracekit.Convert.Cctf;

namespace Tracekit.Dotnet.Tests.Support;

/// <summary>
/// The shipped native-AOT collector (`$TRACEKIT_BIN`, else the repository's bin/tracekit published by
/// tools/lib.sh publish_binaries) and the converter, run in process so the current decode code is what is tested.
/// </summary>
internal static class TracekitCli
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    public static string Binary
    {
        get
        {
            string path = Environment.GetEnvironmentVariable("TRACEKIT_BIN") is { Length: > 0 } bin ? Path.GetFullPath(bin) : Path.Combine(RepoRoot, "bin", "tracekit");
            if (!File.Exists(path)) throw new FileNotFoundException("no native-AOT collector: run `source tools/lib.sh; publish_binaries .` or set TRACEKIT_BIN", path);
            return path;
        }
    }

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tracekit.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("repository root (Tracekit.sln) not found above " + AppContext.BaseDirectory);
        }
    }

    public static Spawned Start(params string[] arguments) => Spawned.Start(Binary, arguments);

    /// <summary>`tracekit collect` into <paramref name="outDirectory"/>/run/node with the given extra arguments.</summary>
    public static Spawned Collect(string outDirectory, params string[] extra) =>
        Start(["collect", "--run-id", "run", "--node-id", "node", "--out", outDirectory, "--interval", "1s", .. extra]);

    /// <summary>
    /// Waits until a capture folder of <paramref name="pid"/> says attached and its stream has begun. The collector
    /// writes "attached" only once the runtime has answered the session's start, which it does after enabling the
    /// providers: a request sent from then on is traced.
    /// </summary>
    public static string WaitForCapture(string outDirectory, int pid, Spawned collector)
    {
        string streams = Path.Combine(outDirectory, "run", "node", "streams");
        string? dir = null;
        bool attached = Waits.Until(() =>
        {
            dir = Directory.Exists(streams) ? Directory.EnumerateDirectories(streams, $"dotnet-{pid}-*").FirstOrDefault() : null;
            return dir is not null && CaptureMetadata.TryRead(dir, out _)?.Status == "attached" && StreamBegun(dir);
        }, TimeSpan.FromSeconds(30));
        Assert.True(attached, $"no attached capture of pid {pid}; collector: {collector.Stderr}");
        return dir!;
    }

    /// <summary>The runtime has written the stream's header ("Nettrace" and the trace object) into the capture.</summary>
    private static bool StreamBegun(string captureDirectory)
    {
        var trace = new FileInfo(Path.Combine(captureDirectory, CaptureMetadata.TraceFileName));
        return trace.Exists && trace.Length >= 8;
    }

    /// <summary>SIGTERM, and the collector must end cleanly.</summary>
    public static void Stop(Spawned collector)
    {
        collector.Signal(SigTerm);
        Assert.Equal(0, collector.WaitForExit(TimeSpan.FromSeconds(30)));
    }

    public static CctfResult Convert(string runDirectory, List<string>? warnings = null) =>
        CctfConverter.Convert(new CctfOptions { RunDirectory = runDirectory }, warn: w => warnings?.Add(w));

    public static List<JsonElement> ReadJsonl(string path) =>
        File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    public static long? Long(this JsonElement row, string name) =>
        row.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    public static string? Str(this JsonElement row, string name) =>
        row.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The example service's per-path completed-request counts (TRACEKIT_EXAMPLE_COUNT_REQUESTS=1).</summary>
    public static Dictionary<string, long> CompletedRequests(ExampleService service)
    {
        using var http = new HttpClient();
        var text = http.GetStringAsync(service.BaseUrl + "/stats").GetAwaiter().GetResult();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToDictionary(p => p[0], p => long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    public static readonly IReadOnlyDictionary<string, string> CountingService = new Dictionary<string, string> { ["TRACEKIT_EXAMPLE_COUNT_REQUESTS"] = "1" };
}
