using Tracekit.Convert.Cctf;
using Tracekit.Convert.Tests.Support;
using Tracekit.Format;
using static Tracekit.Convert.Tests.Support.Jsonl;

namespace Tracekit.Convert.Tests;

/// <summary>process_events.jsonl: one start and one exit per process, however many streams of its node saw it.</summary>
public sealed class ProcessEventsTests : IDisposable
{
    private const ulong BaseNs = 3_000_000_000_000;
    private const long E = 1_720_000_000_000;
    private readonly TestRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public void Cctf_JobSeenByCollectorAndRunStreams_OneStartAndOneExitPerProcess()
    {
        // The collector and `tracekit run` both follow a job's tree: both record the child's start and exit.
        foreach (string? stream in new[] { null, "run-9-1" })
        {
            using var ring = _run.Ring("n1", stream: stream);
            ring.Add(Clock.Anchor(BaseNs, E));
            ring.Add(new ProcessStart { TimestampNs = BaseNs + 1_000_000, Pid = 100, StartTicks = 7, Ppid = 1, Command = "job", CommandLine = "job --x" });
            ring.Add(new ProcessStart { TimestampNs = BaseNs + 2_000_000, Pid = 101, StartTicks = 8, Ppid = 100, Command = "child", CommandLine = "child" });
            ring.Add(new ProcessExit { TimestampNs = BaseNs + 50_000_000, Pid = 101, StartTicks = 8 });
        }
        // A reused PID is another process: its events stay.
        using (var ring = _run.Ring("n1", stream: "run-9-2"))
        {
            ring.Add(Clock.Anchor(BaseNs, E));
            ring.Add(new ProcessStart { TimestampNs = BaseNs + 60_000_000, Pid = 101, StartTicks = 90, Ppid = 1, Command = "other", CommandLine = "other" });
        }

        var (code, console) = CapturingConsole.Run("cctf", "--run-dir", _run.RunDirectory);
        Assert.True(code == 0, console.ErrorText);
        var rows = Read(Path.Combine(_run.OutputDirectory, CctfFiles.ProcessEvents));
        var events = rows.Select(r => (Str(r, "event"), Long(r, "pid"), Long(r, "start_ticks"))).ToList();
        Assert.Equal([("start", 100L, 7L), ("start", 101L, 8L), ("exit", 101L, 8L), ("start", 101L, 90L)], events);
    }
}
