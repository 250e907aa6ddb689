namespace Tracekit.Dotnet.Tests;

/// <summary>
/// `collect --dotnet --container NAME` finds a .NET service that runs in a Docker container: its diagnostics socket is
/// in the container's /tmp, named after the PID the container sees. The image is this host's runtime; the example
/// service is mounted into it; wrk loads it through a port published on 127.0.0.1.
/// </summary>
public sealed class CollectContainerTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("tracekit-dotnet-container-").FullName;
    private readonly string _name = ContainerEngine.UniqueName("web");
    private ContainerEngine? _engine;

    [SkippableFact]
    public void Collect_DotnetServiceInADockerContainer_OneInvocationPerRequest()
    {
        Assert.True(File.Exists("/usr/bin/wrk") || File.Exists("/usr/local/bin/wrk"), "wrk is not installed (apt-get install wrk)");
        _engine = ContainerEngine.Require("docker");
        string image = DotnetRuntimeImage.Ensure(_engine);
        int port = ExampleService.FreePort();
        string app = Path.GetDirectoryName(ExampleService.ServicePath())!;
        _engine.RunOrFail("run", "-d", "--name", _name, "-p", $"127.0.0.1:{port}:8080", "-v", $"{app}:{DotnetRuntimeImage.AppDirectory}:ro",
            "-e", "TRACEKIT_EXAMPLE_COUNT_REQUESTS=1", "-e", "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1", "-e", "DOTNET_gcServer=0",
            "-e", "LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu",
            image, DotnetRuntimeImage.DotnetPath, $"{DotnetRuntimeImage.AppDirectory}/tracekit-example-service.dll", "--urls", "http://0.0.0.0:8080");
        string baseUrl = $"http://127.0.0.1:{port}";
        WaitUntilAnswering(baseUrl);
        int pid = int.Parse(_engine.RunOrFail("inspect", "--format", "{{.State.Pid}}", _name), System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(pid, NamespacePid(pid)); // its socket is named after the PID it has in the container

        using var collector = TracekitCli.Collect(_out, "--dotnet", "--container", _name);
        TracekitCli.WaitForCapture(_out, pid, collector);
        using var wrk = Spawned.Start("wrk", ["-t1", "-c4", "-d3s", baseUrl + "/work?cpu_ms=0"]);
        Assert.Equal(0, wrk.WaitForExit(TimeSpan.FromSeconds(60)));
        output.WriteLine(wrk.Stdout);
        long completed = CompletedWork(baseUrl);
        TracekitCli.Stop(collector);
        output.WriteLine(collector.Stderr);

        var warnings = new List<string>();
        TracekitCli.Convert(Path.Combine(_out, "run"), warnings);
        foreach (var w in warnings) output.WriteLine(w);
        var server = TracekitCli.ReadJsonl(Path.Combine(_out, "run", "cctf", "invocations.jsonl")).Where(r => r.Long("pid") == pid).ToList();
        long work = server.Count(r => r.Str("path") == "/work");
        output.WriteLine($"container pid {pid} (pid {NamespacePid(pid)} inside); service completed /work: {completed}; invocations of /work: {work}; all: {server.Count}");
        Assert.True(completed > 100, $"only {completed} requests in 3 s");
        Assert.Equal(completed, work);
        Assert.DoesNotContain(warnings, w => w.Contains("dropped", StringComparison.Ordinal));
    }

    private static void WaitUntilAnswering(string baseUrl)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        bool up = Waits.Until(() =>
        {
            try { return http.GetAsync(baseUrl + "/").GetAwaiter().GetResult().IsSuccessStatusCode; }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return false; }
        }, TimeSpan.FromSeconds(60));
        Assert.True(up, $"the service in the container did not answer on {baseUrl} within 60 s");
    }

    private static long CompletedWork(string baseUrl)
    {
        using var http = new HttpClient();
        string text = http.GetStringAsync(baseUrl + "/stats").GetAwaiter().GetResult();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).Where(p => p[0] == "/work")
            .Select(p => long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)).Single();
    }

    /// <summary>The PID the process has in its own namespace (the last field of NSpid).</summary>
    private static int NamespacePid(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("NSpid:", StringComparison.Ordinal))
            .Select(l => int.Parse(l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[^1], System.Globalization.CultureInfo.InvariantCulture)).Single();

    public void Dispose()
    {
        _engine?.Remove(_name);
        try { Directory.Delete(_out, recursive: true); } catch (IOException) { }
    }
}
