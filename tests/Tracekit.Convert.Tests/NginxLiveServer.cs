using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Tracekit.Native;

namespace Tracekit.Convert.Tests;

/// <summary>
/// A real nginx (Debian's nginx-light) started once for the live tests: a test-only config in a temp folder,
/// 127.0.0.1 on a free port, the access log written twice (tracekit and combined formats), a few hand-made requests
/// and a bounded wrk load, then a graceful stop (SIGQUIT to the master). Every process started here is killed by PID
/// in finally. <see cref="SkipReason"/> is set only when nginx or wrk is missing or nginx cannot start.
/// </summary>
public sealed partial class NginxLiveServer : IDisposable
{
    public const int WrkConnections = 8;

    /// <summary>Asia/Kolkata without tzdata (POSIX TZ syntax: the sign is inverted): $time_local ends in +0530.</summary>
    public const string TimeZone = "TKT-5:30";

    public const string TraceparentSent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    public NginxLiveServer()
    {
        Root = Path.Combine(Path.GetTempPath(), "tk-nginx-" + Guid.NewGuid().ToString("N"));
        TracekitLog = Path.Combine(Root, "access-tracekit.log");
        CombinedLog = Path.Combine(Root, "access-combined.log");
        string? nginx = NginxLiveConfig.FindExecutable("nginx", "/usr/sbin/nginx");
        string? wrk = NginxLiveConfig.FindExecutable("wrk", "/usr/bin/wrk");
        if (nginx is null || wrk is null)
        {
            SkipReason = $"{(nginx is null ? "nginx" : "wrk")} is not installed (tools/test.sh installs nginx-light and wrk: apt-get install -y nginx-light wrk)";
            return;
        }

        Directory.CreateDirectory(Root);
        Process? master = null;
        try
        {
            master = Start(nginx);
            if (master is null)
            {
                return;
            }

            MasterPid = master.Id;
            WorkerPids = ReadChildren(master.Id);
            SendHandMadeRequests();
            RunWrk(wrk);
            Stop(master);
        }
        finally
        {
            KillIfRunning(master);
        }
    }

    public string Root { get; }

    public string TracekitLog { get; }

    public string CombinedLog { get; }

    public string? SkipReason { get; private set; }

    public int MasterPid { get; private set; }

    public IReadOnlyList<int> WorkerPids { get; private set; } = [];

    /// <summary>Requests this fixture sent itself, before wrk.</summary>
    public int HandMadeRequests { get; private set; }

    /// <summary>wrk's "N requests in" figure, or null when its output could not be parsed.</summary>
    public long? WrkRequests { get; private set; }

    public string WrkOutput { get; private set; } = "";

    public string NginxStderr => _stderr.ToString();

    private readonly StringBuilder _stderr = new();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not a test failure.
        }
    }

    private Process? Start(string nginx)
    {
        string lastError = "";
        for (int attempt = 0; attempt < 3; attempt++)
        {
            Port = NginxLiveConfig.FreePort();
            int backendPort = NginxLiveConfig.FreePort();
            File.WriteAllText(Path.Combine(Root, "nginx.conf"), NginxLiveConfig.Text(Root, Port, backendPort));
            var info = new ProcessStartInfo(nginx) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string arg in (string[])["-p", Root + "/", "-c", Path.Combine(Root, "nginx.conf"), "-e", Path.Combine(Root, "error.log")])
            {
                info.ArgumentList.Add(arg);
            }

            info.Environment["TZ"] = TimeZone; // nginx keeps TZ (and only TZ) from its environment
            var process = Process.Start(info)!;
            process.ErrorDataReceived += (_, e) => { lock (_stderr) _stderr.AppendLine(e.Data); };
            process.OutputDataReceived += (_, e) => { lock (_stderr) _stderr.AppendLine(e.Data); };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            if (WaitUntilListening(process))
            {
                return process;
            }

            KillIfRunning(process);
            string errorLog = Path.Combine(Root, "error.log");
            lastError = (File.Exists(errorLog) ? File.ReadAllText(errorLog) : "") + NginxStderr;
            if (!lastError.Contains("Address already in use", StringComparison.Ordinal))
            {
                break; // only a lost race for the port is worth another try
            }
        }

        SkipReason = $"nginx could not start: {lastError.Trim()}";
        return null;
    }

    public int Port { get; private set; }

    private bool WaitUntilListening(Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (process.HasExited)
            {
                return false;
            }

            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return true;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        return false;
    }

    private void SendHandMadeRequests()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = StepTimeout };
        var traced = new HttpRequestMessage(HttpMethod.Get, "/traced?token=secret");
        traced.Headers.TryAddWithoutValidation("traceparent", TraceparentSent);
        Send(http, traced);
        Send(http, new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = new ByteArrayContent(new byte[1000]) });
        Send(http, new HttpRequestMessage(HttpMethod.Get, "/missing"));
        Send(http, new HttpRequestMessage(HttpMethod.Get, "/caf%C3%A9/\"quoted\""));
    }

    private void Send(HttpClient http, HttpRequestMessage request)
    {
        using (request)
        using (var response = http.Send(request))
        {
            HandMadeRequests++;
        }
    }

    private void RunWrk(string wrk)
    {
        var info = new ProcessStartInfo(wrk) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])["-t2", $"-c{WrkConnections}", "-d2s", $"http://127.0.0.1:{Port}/"])
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(StepTimeout))
            {
                throw new TimeoutException($"wrk did not finish within {StepTimeout.TotalSeconds} s");
            }

            WrkOutput = stdout.Result + stderr.Result;
            var match = WrkCount().Match(WrkOutput);
            WrkRequests = match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
        }
        finally
        {
            KillIfRunning(process);
        }
    }

    /// <summary>SIGQUIT: graceful shutdown; the workers finish their requests and every log line is written.</summary>
    private static void Stop(Process master)
    {
        Assert.True(Libc.TrySendSignal(master.Id, Libc.SigQuit, out int errno), $"kill(SIGQUIT) failed: errno {errno}");
        Assert.True(master.WaitForExit(StepTimeout), "nginx did not stop within 30 s of SIGQUIT");
    }

    private static void KillIfRunning(Process? process)
    {
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true); // the master and its workers, by PID
                process.WaitForExit(StepTimeout);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
    }

    private static IReadOnlyList<int> ReadChildren(int pid)
    {
        string path = $"/proc/{pid}/task/{pid}/children";
        // Workers are forked right after the master opens its socket; give them a moment to appear.
        for (int i = 0; i < 100; i++)
        {
            var children = File.Exists(path)
                ? File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList()
                : [];
            if (children.Count >= 2)
            {
                return children;
            }

            Thread.Sleep(20);
        }

        return [];
    }

    [GeneratedRegex(@"(\d+) requests in ")]
    private static partial Regex WrkCount();
}
