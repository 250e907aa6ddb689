using Tracekit.Convert.Cctf;
using Tracekit.Convert.Tests.Support;
using Tracekit.Format;

namespace Tracekit.Convert.Tests;

/// <summary>The audit's "joined to process samples": a sample of the invocation's pid between its start and its row.</summary>
public sealed class InvocationJoinTests
{
    private const ulong BaseNs = 9_000_000_000_000;
    private const long EpochMs = 1_710_000_000_000;

    private static ulong At(long ms) => BaseNs + ((ulong)ms * 1_000_000);

    [Fact]
    public void Cctf_OverlappingInvocationsOnOnePid_EachJoinsOnlySamplesInsideItsOwnWindow()
    {
        using var run = new TestRun();
        using (var ring = run.Ring("node-a"))
        {
            ring.Add(Clock.Anchor(BaseNs, EpochMs));
            Sample(ring, 0);
            ring.Add(new InvocationStart { TimestampNs = At(10), TraceId = "a", SpanId = "1", Pid = 42 });
            ring.Add(new InvocationStart { TimestampNs = At(50), TraceId = "b", SpanId = "1", Pid = 42 });
            Sample(ring, 60);
            ring.Add(new InvocationEnd { TimestampNs = At(80), TraceId = "a", SpanId = "1", Status = 0 });
            Sample(ring, 150);
            ring.Add(new InvocationEnd { TimestampNs = At(200), TraceId = "b", SpanId = "1", Status = 0 });

            // c: no sample of pid 42 between its start and its end; d: pid 7 is never sampled; e: never ends.
            ring.Add(new InvocationStart { TimestampNs = At(210), TraceId = "c", SpanId = "1", Pid = 42 });
            ring.Add(new InvocationEnd { TimestampNs = At(220), TraceId = "c", SpanId = "1", Status = 0 });
            ring.Add(new InvocationStart { TimestampNs = At(230), TraceId = "d", SpanId = "1", Pid = 7 });
            ring.Add(new InvocationEnd { TimestampNs = At(240), TraceId = "d", SpanId = "1", Status = 0 });
            ring.Add(new InvocationStart { TimestampNs = At(250), TraceId = "e", SpanId = "1", Pid = 42 });
            Sample(ring, 300);
        }

        var (code, _) = CapturingConsole.Run("cctf", "--run-dir", run.RunDirectory);

        Assert.Equal(0, code);
        string audit = File.ReadAllText(Path.Combine(run.OutputDirectory, CctfFiles.AuditReport));

        // a, b and e saw a sample of pid 42 inside their windows; c and d did not: 3 of 5.
        Assert.Contains("| 5 | 3 (60%) |", audit);
    }

    private static void Sample(TestRing ring, long ms) =>
        ring.Add(new ProcessSample { TimestampNs = At(ms), Pid = 42, StartTicks = 100, CpuTimeNs = (ulong)ms * 1_000, CpuSource = CpuSource.Schedstat, RssKb = 10, Threads = 1 });
}
