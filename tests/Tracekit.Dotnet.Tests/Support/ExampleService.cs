using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Tracekit.Dotnet.Tests.Support;

/// <summary>The example service as a real child process on 127.0.0.1 and a free port.</summary>
public sealed class ExampleService : IDisposable
{
    private readonly Process _process;

    private ExampleService(Process process, int port)
    {
        _process = process;
        Port = port;
        BaseUrl = $"http://127.0.0.1:{port}";
    }

    public int Pid => _process.Id;
    public int Port { get; }
    public string BaseUrl { get; }
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts the service and waits until it answers. <paramref name="environment"/> adds variables;
    /// <paramref name="launcher"/> is a command that execs the service (e.g. setpriv as another user), so the PID is the service's.
    /// </summary>
    /// <param name="servicePath">Another build of the service (the OpenTelemetry variant); default: the plain build.</param>
    public static ExampleService Start(IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? launcher = null, string? servicePath = null)
    {
        int port = FreePort();
        servicePath ??= ServicePath();
        var psi = new ProcessStartInfo(launcher is { Count: > 0 } ? launcher[0] : servicePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (launcher is { Count: > 0 })
        {
            foreach (var a in launcher.Skip(1)) psi.ArgumentList.Add(a);
            psi.ArgumentList.Add(servicePath);
        }
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{port}");
        // Workstation GC: a small service on a 2-core CI machine; also makes GCs frequent enough to observe.
        psi.Environment["DOTNET_gcServer"] = "0";
        if (environment is not null)
        {
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("the example service did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ExampleService(process, port);
        service.WaitUntilReady(TimeSpan.FromSeconds(60));
        return service;
    }

    private void WaitUntilReady(TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the example service exited with {_process.ExitCode}");
            try
            {
                if (client.GetAsync(BaseUrl + "/").GetAwaiter().GetResult().IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            Thread.Sleep(200);
        }
        Dispose();
        throw new TimeoutException("the example service did not answer within " + timeout);
    }

    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) Kill();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The service's apphost, built by the project reference, in the same configuration as the tests.</summary>
    internal static string ServicePath()
    {
        string configuration = typeof(ExampleService).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tracekit.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("repository root (Tracekit.sln) not found above " + AppContext.BaseDirectory);
        var path = Path.Combine(dir.FullName, "src", "Tracekit.ExampleService", "bin", configuration, "net10.0", "tracekit-example-service");
        if (!File.Exists(path)) throw new FileNotFoundException("build src/Tracekit.ExampleService first", path);
        return path;
    }
}
