namespace Tracekit.Collector.Tests.Support;

/// <summary>One `tracekit collect` started by a test into its own output folder, node id "n1".</summary>
public sealed class CollectorRun : IDisposable
{
    public const string NodeId = "n1";

    private CollectorRun(string outDirectory, string runId, Spawned process)
    {
        OutDirectory = outDirectory;
        RunId = runId;
        Process = process;
    }

    public string OutDirectory { get; }
    public string RunId { get; }
    public Spawned Process { get; }
    public string NodeDirectory => Path.Combine(OutDirectory, RunId, NodeId);
    public string RegistrationFile => Path.Combine(NodeDirectory, "control", "collector.json");

    public static CollectorRun Start(string outDirectory, string runId, params string[] options)
    {
        string[] args = ["collect", "--run-id", runId, "--out", outDirectory, "--node-id", NodeId, .. options];
        return new CollectorRun(outDirectory, runId, TracekitBinary.Start(args));
    }

    /// <summary>A collector with extra environment variables (the test hooks docs/cli.md lists).</summary>
    public static CollectorRun StartWithEnvironment(IReadOnlyDictionary<string, string> environment, string outDirectory, string runId, params string[] options)
    {
        string[] args = ["collect", "--run-id", runId, "--out", outDirectory, "--node-id", NodeId, .. options];
        return new CollectorRun(outDirectory, runId, TracekitBinary.Start(args, environment));
    }

    /// <summary>A collector started through a launcher (another user, another mount namespace).</summary>
    public static CollectorRun StartThrough(IReadOnlyList<string> launcher, string outDirectory, string runId, params string[] options)
    {
        string[] args = ["collect", "--run-id", runId, "--out", outDirectory, "--node-id", NodeId, .. options];
        return new CollectorRun(outDirectory, runId, TracekitBinary.StartThrough(launcher, args));
    }

    /// <summary>Waits until the collector registered itself (it does so once its targets are open and sampling starts).</summary>
    public void WaitUntilRunning(TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        bool ok = Proc.WaitFor(() => File.Exists(RegistrationFile) || Process.HasExited, limit);
        if (Process.HasExited)
            Assert.Fail($"the collector exited early with {Process.ExitCode}. stderr:\n{Process.Stderr}");
        Assert.True(ok, $"the collector did not register within {limit.TotalSeconds} s. stderr:\n{Process.Stderr}");
    }

    public int WaitForExit(TimeSpan timeout) => Process.WaitForExit(timeout);

    public RingContents ReadRing() => RingContents.Read(NodeDirectory);

    /// <summary>Waits until the live ring holds what <paramref name="condition"/> asks for (read as committed so far).</summary>
    public void WaitForRing(Func<RingContents, bool> condition, string what, TimeSpan? timeout = null) =>
        Proc.WaitForOrFail(() => condition(ReadRing()), timeout ?? TimeSpan.FromSeconds(30), what);

    /// <summary>The timestamp of the collector's first tick, read from its live ring (waits until it is there).</summary>
    public long FirstTickNs()
    {
        long first = 0;
        Proc.WaitForOrFail(() =>
        {
            using var reader = Tracekit.Ring.RingReader.Open(NodeDirectory);
            while (reader.TryRead(out var payload) == Tracekit.Ring.RingReadStatus.Record)
            {
                if (RecordDecoder.TryDecode(payload, out HostCpu cpu, out _) && cpu.Cpu == -1)
                {
                    first = (long)cpu.TimestampNs;
                    return true;
                }
            }
            return false;
        }, TimeSpan.FromSeconds(10), "the collector's first tick");
        return first;
    }

    public string[] CommonArgs => ["--run-id", RunId, "--out", OutDirectory, "--node-id", NodeId];

    public void Dispose() => Process.Dispose();
}
