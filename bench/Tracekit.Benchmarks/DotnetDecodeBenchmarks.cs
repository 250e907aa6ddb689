using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Tracekit.Dotnet;
using Tracekit.Contracts;
using Tracekit.EventPipe;
using Tracekit.Format;

namespace Tracekit.Benchmarks;

/// <summary>
/// EventPipe event handling (issue 6). The collector only copies a target's nettrace bytes (no per-event work in the
/// AOT binary); the per-event work is the converter's decode, measured here per event. The setup captures a real
/// session: the example service (src/Tracekit.ExampleService, built in Release) on 127.0.0.1, 2,000 requests through
/// HttpClient with metrics, GC and request events on, exactly as `tracekit collect --dotnet` captures it.
/// <list type="bullet">
/// <item><see cref="ReadOnly"/> (baseline) reads the file and nothing else.</item>
/// <item><see cref="Decode"/> parses it with TraceEvent and turns it into Tracekit records (invocations, metrics,
/// GC events), written to a sink that only counts them.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("dotnet")]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // EventPipeCapture: the diagnostics sockets and /proc
public class DotnetDecodeBenchmarks
{
    private const int Requests = 2_000;

    private string _root = "";
    private string _trace = "";
    private NettraceTarget _target = null!;
    private readonly byte[] _buffer = new byte[64 * 1024];

    /// <summary>Events in the capture; each benchmark is reported per event.</summary>
    public static long Events { get; private set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        _root = Directory.CreateTempSubdirectory("tracekit-dotnet-bench-").FullName;
        int port = FreePort();
        var psi = new ProcessStartInfo(ServicePath()) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{port}");
        psi.Environment["DOTNET_gcServer"] = "0";
        using var service = Process.Start(psi) ?? throw new InvalidOperationException("the example service did not start");
        try
        {
            string url = $"http://127.0.0.1:{port}";
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            WaitUntilAnswers(http, url + "/", service);
            using var capture = new EventPipeCapture(new CaptureOptions { StreamsDirectory = _root, Pids = [service.Id] }, new CaptureIdentity("bench", "node", "cloud"));
            capture.Start();
            var deadline = Stopwatch.StartNew();
            while (!capture.Targets.Any(t => t.State == TargetState.Attached))
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("the capture did not attach: " + string.Join("; ", capture.Targets));
                Thread.Sleep(50);
            }
            for (int i = 0; i < Requests; i++) http.GetByteArrayAsync(url + "/work?cpu_ms=0&resp_kb=1").GetAwaiter().GetResult();
            Thread.Sleep(1500); // one more metrics interval
            capture.Stop();
            string dir = capture.Targets.Single().Directory!;
            var meta = CaptureMetadata.TryRead(dir, out _) ?? throw new InvalidOperationException("no capture.json in " + dir);
            _trace = Path.Combine(dir, CaptureMetadata.TraceFileName);
            _target = NettraceTarget.FromCapture(meta, CaptureMetadata.ReadAnchors(dir, out _));
        }
        finally
        {
            service.Kill();
            service.WaitForExit();
        }

        var result = NettraceDecoder.Decode(_trace, _target, new CountingSink());
        if (result.Invocations < Requests) throw new InvalidOperationException($"the capture holds {result.Invocations} invocations, expected {Requests}: {result}");
        Events = result.EventsRead;
        Console.WriteLine($"// capture: {new FileInfo(_trace).Length:N0} bytes, {result}");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    [Benchmark(Baseline = true)]
    public long ReadOnly()
    {
        long total = 0;
        using var file = new FileStream(_trace, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        int n;
        while ((n = file.Read(_buffer)) > 0) total += n;
        return total;
    }

    [Benchmark]
    public long Decode() => NettraceDecoder.Decode(_trace, _target, new CountingSink()).EventsRead;

    private static void WaitUntilAnswers(HttpClient http, string url, Process service)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (service.HasExited) throw new InvalidOperationException($"the example service exited with {service.ExitCode}");
            try
            {
                if (http.GetAsync(url).GetAwaiter().GetResult().IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            Thread.Sleep(200);
        }
        throw new TimeoutException("the example service did not answer within 60 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The service's Release apphost under the repository (tools/bench.sh and tools/test.sh build it).</summary>
    private static string ServicePath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tracekit.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("repository root (Tracekit.sln) not found above " + AppContext.BaseDirectory);
        string path = Path.Combine(dir.FullName, "src", "Tracekit.ExampleService", "bin", "Release", "net10.0", "tracekit-example-service");
        if (!File.Exists(path)) throw new FileNotFoundException("build the example service first: dotnet build src/Tracekit.ExampleService -c Release", path);
        return path;
    }

    private sealed class CountingSink : IRecordSink
    {
        public long Count;
        public void Write(in DotnetMetric record) => Count++;
        public void Write(in DotnetEvent record) => Count++;
        public void Write(in InvocationStart record) => Count++;
        public void Write(in InvocationEnd record) => Count++;
    }
}
