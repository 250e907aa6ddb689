namespace Tracekit.EventPipe.Tests;

public sealed class DiagnosticSocketsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracekit-ipc-").FullName;
    private readonly string _proc;
    private readonly string _ipc;

    public DiagnosticSocketsTests()
    {
        _proc = Directory.CreateDirectory(Path.Combine(_dir, "proc")).FullName;
        _ipc = Directory.CreateDirectory(Path.Combine(_dir, "ipc")).FullName;
    }

    [Theory]
    [InlineData("dotnet-diagnostic-1234-567890-socket", 1234)]
    [InlineData("dotnet-diagnostic-1-0-socket", 1)]
    [InlineData("dotnet-diagnostic-77-18446744073709551615-socket", 77)]
    public void TryParse_RuntimeSocketName_ThePid(string name, int pid)
    {
        Assert.True(DiagnosticSockets.TryParse(name, out int parsed, out _));
        Assert.Equal(pid, parsed);
    }

    [Theory]
    [InlineData("dotnet-diagnostic-1234-socket")]
    [InlineData("dotnet-diagnostic--5-socket")]
    [InlineData("dotnet-diagnostic-12a-5-socket")]
    [InlineData("dotnet-diagnostic-12-5x-socket")]
    [InlineData("dotnet-diagnostic-0-5-socket")]
    [InlineData("dotnet-diagnostic-99999999999-5-socket")]
    [InlineData("dotnet-diagnostic-12-5-sock")]
    [InlineData("clr-debug-pipe-12-5-in")]
    public void TryParse_OtherName_False(string name) => Assert.False(DiagnosticSockets.TryParse(name, out _, out _));

    [Fact]
    public void Scan_StaleAndLiveSockets_OnlyLivePids()
    {
        // 100 and 300 are alive; 200's process is gone but its socket stayed (a killed runtime); 400 is alive but
        // started after the socket's runtime (key 5, start 9): a reused PID, not a .NET process.
        Alive(100, 1);
        Alive(300, 4);
        Alive(400, 9);
        Socket("dotnet-diagnostic-100-1-socket", "dotnet-diagnostic-200-2-socket", "dotnet-diagnostic-300-3-socket", "dotnet-diagnostic-300-4-socket",
            "dotnet-diagnostic-400-5-socket", "unrelated-300");
        using var sockets = new DiagnosticSockets(_ipc, _proc);

        Assert.Equal([100, 300], sockets.Scan().Order());
    }

    [Fact]
    public void Scan_RealSleepWithAStaleSocketOfItsPid_NotPublished()
    {
        // The CI failure this guards against: a `sleep` got the PID of a runtime killed earlier in the run, whose
        // socket was still in TMPDIR; the collector took the sleep for a .NET process.
        using var sleeper = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep") { ArgumentList = { "30" } })!;
        try
        {
            Socket($"dotnet-diagnostic-{sleeper.Id}-1-socket");
            using var sockets = new DiagnosticSockets(_ipc);
            Assert.DoesNotContain(sleeper.Id, sockets.Scan());
        }
        finally
        {
            sleeper.Kill();
            sleeper.WaitForExit();
        }
    }

    [Fact]
    public void Scan_QuietFolder_NotListedAgainButExitsSeen()
    {
        Alive(100, 1);
        Alive(101, 1);
        Socket("dotnet-diagnostic-100-1-socket", "dotnet-diagnostic-101-1-socket");
        using var sockets = new DiagnosticSockets(_ipc, _proc);
        Assert.True(sockets.IsWatched, "inotify is available here");
        Assert.Equal([100, 101], sockets.Scan().Order());

        Directory.Delete(Path.Combine(_proc, "101"), recursive: true); // the process ended; its socket stays
        Assert.Equal([100], sockets.Scan().Order());
        Assert.Equal(1, sockets.Listings);

        Alive(102, 9);
        Socket("dotnet-diagnostic-102-9-socket"); // a new runtime: inotify reports it
        Assert.Equal([100, 102], sockets.Scan().Order());
        Assert.Equal(2, sockets.Listings);
    }

    [Fact]
    public void Scan_ThisTestProcess_Found()
    {
        // The test host is a .NET process with diagnostics on: the real IPC folder lists it.
        using var sockets = new DiagnosticSockets();
        Assert.Contains(Environment.ProcessId, sockets.Scan());
    }

    /// <summary>A fake /proc/PID/stat whose start time (field 22) is <paramref name="startTicks"/>.</summary>
    private void Alive(int pid, ulong startTicks)
    {
        string dir = Directory.CreateDirectory(Path.Combine(_proc, pid.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
        var fields = Enumerable.Range(4, 49).Select(i => i == 22 ? startTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) : "0");
        File.WriteAllText(Path.Combine(dir, "stat"), $"{pid} (dotnet) S {string.Join(' ', fields)}\n");
    }

    private void Socket(params string[] names)
    {
        foreach (var name in names) File.WriteAllText(Path.Combine(_ipc, name), "");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
