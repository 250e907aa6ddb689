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
    public void TryParsePid_RuntimeSocketName_ThePid(string name, int pid)
    {
        Assert.True(DiagnosticSockets.TryParsePid(name, out int parsed));
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
    public void TryParsePid_OtherName_False(string name) => Assert.False(DiagnosticSockets.TryParsePid(name, out _));

    [Fact]
    public void Scan_StaleAndLiveSockets_OnlyLivePids()
    {
        // 100 and 300 are alive; 200's process is gone but its socket stayed (a killed runtime).
        Alive(100);
        Alive(300);
        Socket("dotnet-diagnostic-100-1-socket", "dotnet-diagnostic-200-2-socket", "dotnet-diagnostic-300-3-socket", "dotnet-diagnostic-300-4-socket", "unrelated-300");
        using var sockets = new DiagnosticSockets(_ipc, _proc);

        Assert.Equal([100, 300], sockets.Scan().Order());
    }

    [Fact]
    public void Scan_QuietFolder_NotListedAgainButExitsSeen()
    {
        Alive(100);
        Alive(101);
        Socket("dotnet-diagnostic-100-1-socket", "dotnet-diagnostic-101-1-socket");
        using var sockets = new DiagnosticSockets(_ipc, _proc);
        Assert.True(sockets.IsWatched, "inotify is available here");
        Assert.Equal([100, 101], sockets.Scan().Order());

        Directory.Delete(Path.Combine(_proc, "101")); // the process ended; its socket stays
        Assert.Equal([100], sockets.Scan().Order());
        Assert.Equal(1, sockets.Listings);

        Alive(102);
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

    private void Alive(int pid) => Directory.CreateDirectory(Path.Combine(_proc, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private void Socket(params string[] names)
    {
        foreach (var name in names) File.WriteAllText(Path.Combine(_ipc, name), "");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
