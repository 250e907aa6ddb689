using System.Diagnostics;
using System.Globalization;

namespace Tracekit.Procfs.Tests;

/// <summary>The one reader of /proc/PID/stat for identity: live processes have one, zombies and missing PIDs do not.</summary>
public sealed class ProcessIdentityTests
{
    [Fact]
    public void TryReadStartTicks_ZombieChild_FalseWhileItsStateIsZ()
    {
        // The shell forks a child, then execs a sleep that never reaps it; the child is killed only once that exec
        // is seen (the parent's comm is "sleep"): a shell still between commands would reap it itself.
        using var parent = Process.Start(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", "sleep 600 & echo $!; exec sleep 600" }, RedirectStandardOutput = true })!;
        try
        {
            int zombie = int.Parse(parent.StandardOutput.ReadLine()!, CultureInfo.InvariantCulture);
            Assert.True(TestSupport.WaitUntil(() => TestSupport.Comm(parent.Id) == "sleep", TimeSpan.FromSeconds(10)), $"the shell {parent.Id} did not exec sleep");
            using (var child = Process.GetProcessById(zombie)) child.Kill();
            Assert.True(TestSupport.WaitUntil(() => ProcessIdentity.State(zombie) == (byte)'Z', TimeSpan.FromSeconds(10)), $"pid {zombie} never became a zombie");

            Assert.False(ProcessIdentity.TryReadStartTicks(zombie, out _));
            Assert.Null(ProcessIdentity.StartTicks(zombie));
            // Its parent, alive, has an identity: the same start ticks the kernel shows in /proc/PID/stat field 22.
            Assert.True(ProcessIdentity.TryReadStartTicks(parent.Id, out ulong ticks));
            string stat = File.ReadAllText($"/proc/{parent.Id}/stat");
            Assert.Equal(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19], ticks.ToString(CultureInfo.InvariantCulture));
        }
        finally
        {
            parent.Kill();
        }
    }

    [Fact]
    public void State_MissingPid_ZeroAndNoStartTicks()
    {
        int missing = 4_000_000 - 3;
        while (Directory.Exists($"/proc/{missing}")) missing -= 7919;

        Assert.Equal(0, ProcessIdentity.State(missing));
        Assert.False(ProcessIdentity.TryReadStartTicks(missing, out _));
    }
}
