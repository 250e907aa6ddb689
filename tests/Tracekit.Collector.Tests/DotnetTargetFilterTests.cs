using System.Globalization;
using Tracekit.Collector.Dotnet;
using Tracekit.Collector.Sampling;

namespace Tracekit.Collector.Tests;

/// <summary>
/// `--dotnet all`: which discovered .NET processes the other target options select. The filter judges any PID
/// from /proc, so plain `sleep` processes stand in for .NET ones.
/// </summary>
public sealed class DotnetTargetFilterTests : IDisposable
{
    private readonly TempDir _dir = new("tk-dotnet-filter");
    private readonly Spawned _a = Spawned.Start("sleep", ["3217"]);
    private readonly Spawned _b = Spawned.Start("sleep", ["3218"]);

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _dir.Dispose();
    }

    private string RunPids => Directory.CreateDirectory(_dir.File("run-pids")).FullName;

    private Func<int, bool>? Create(CollectSettings settings) => DotnetTargetFilter.Create(settings, RunPids);

    private static CollectSettings Settings => new() { RunId = "run", NodeId = "node" };

    [Fact]
    public void Create_NoOtherTargetOption_NullFollowsEveryProcess()
    {
        Assert.Null(Create(Settings));
        // --all selects everything whatever else is given.
        Assert.Null(Create(Settings with { All = true, Pids = [_a.Pid] }));
    }

    [Fact]
    public void Selects_Pid_OnlyThatProcess()
    {
        var follow = Assert.IsType<Func<int, bool>>(Create(Settings with { Pids = [_a.Pid] }));
        Assert.True(follow(_a.Pid));
        Assert.False(follow(_b.Pid));
        // The test host is the sleeps' parent, not their descendant.
        Assert.False(follow(Environment.ProcessId));
    }

    [Fact]
    public void Selects_PidOfAnAncestor_ChildrenAndGrandchildrenSelected()
    {
        var child = Assert.IsType<Func<int, bool>>(Create(Settings with { Pids = [Environment.ProcessId] }));
        Assert.True(child(_a.Pid));
        int parent = ParentOf(Environment.ProcessId);
        Assert.True(parent > 1, $"the test host's parent is {parent}: no ancestor to select");
        var grandchild = Assert.IsType<Func<int, bool>>(Create(Settings with { Pids = [parent] }));
        Assert.True(grandchild(_a.Pid));
    }

    [Fact]
    public void Selects_Match_OnlyProcessesWhoseNameOrCommandLineMatches()
    {
        // The command line ("sleep 3217") tells the two sleeps apart.
        var byCommandLine = Assert.IsType<Func<int, bool>>(Create(Settings with { MatchPattern = "sleep 3217" }));
        Assert.True(byCommandLine(_a.Pid));
        Assert.False(byCommandLine(_b.Pid));
        Assert.False(byCommandLine(Environment.ProcessId));
        // The name (/proc/PID/comm) matches both, and never the test host.
        var byName = Assert.IsType<Func<int, bool>>(Create(Settings with { MatchPattern = "^sleep$" }));
        Assert.True(byName(_a.Pid));
        Assert.True(byName(_b.Pid));
        Assert.False(byName(Environment.ProcessId));
    }

    [Fact]
    public void Selects_PidDirectoryFile_OnlyTheListedProcess()
    {
        string pidDir = Directory.CreateDirectory(_dir.File("pids")).FullName;
        File.WriteAllText(Path.Combine(pidDir, _a.Pid.ToString(CultureInfo.InvariantCulture)), "");
        var follow = Assert.IsType<Func<int, bool>>(Create(Settings with { PidDirectory = pidDir }));
        Assert.True(follow(_a.Pid));
        Assert.False(follow(_b.Pid));
    }

    /// <summary>Field 4 of /proc/PID/stat; the name before it may hold spaces and parentheses, so read after the last ')'.</summary>
    private static int ParentOf(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[1], CultureInfo.InvariantCulture);
    }
}
