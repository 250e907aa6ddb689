using System.Text.RegularExpressions;

namespace Tracekit.Collector.Tests;

/// <summary>
/// `tracekit run`: every field of the InvocationStart/InvocationEnd pair that the options and the job determine
/// (enqueue time, trace id, input and output sizes, peak RSS, the job's cgroup and its CPU).
/// </summary>
public sealed class JobRecordTests : IDisposable
{
    private const long KiBPerMiB = 1024;
    private readonly TempDir _dir = new("tk-runrec");
    private readonly ITestOutputHelper _output;

    public JobRecordTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Run_EnqueueMsGiven_EnqueueNsMapsBackToThatEpochMillisecond()
    {
        // 1.5 s in the past, so a wrong sign or unit cannot land near the start by accident.
        long enqueueEpochMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1500;

        var ring = RunJob("enqueue", ["--enqueue-ms", enqueueEpochMs.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            NativeHelpers.MemJob, "0", "0", "0");

        var start = Assert.Single(ring.Of<InvocationStart>());
        long enqueueNs = Assert.NotNull(start.EnqueueNs);
        // The converter dates it through the stream's first anchor (it precedes every anchor): that must give back
        // exactly the millisecond given, in integer ns.
        var anchor = ring.Of<ClockAnchor>().First();
        Assert.Equal(enqueueEpochMs * 1_000_000, anchor.RealtimeNs + (enqueueNs - (long)anchor.TimestampNs));
        double queueMs = ((long)start.TimestampNs - enqueueNs) / 1e6;
        _output.WriteLine($"queue time {queueMs:0.0} ms");
        // At least the 1.5 s we backdated; the rest is the launch of `tracekit run`, seconds at most on a busy host.
        Assert.InRange(queueMs, 1500, 1500 + 10_000);
    }

    [Fact]
    public void Run_TraceIdGiven_StartAndEndCarryItAndOneSpan()
    {
        const string TraceId = "0af7651916cd43dd8448eb211c80319c";

        var ring = RunJob("traceid", ["--trace-id", TraceId], NativeHelpers.MemJob, "0", "0", "0");

        var start = Assert.Single(ring.Of<InvocationStart>());
        var end = Assert.Single(ring.Of<InvocationEnd>());
        Assert.Equal(TraceId, start.TraceId);
        Assert.Equal(TraceId, end.TraceId);
        Assert.Matches(LowerHex(16), start.SpanId); // W3C span id: 8 bytes
        Assert.Equal(start.SpanId, end.SpanId);
    }

    [Fact]
    public void Run_NoOptions_RandomTraceIdAndUnsetFieldsNull()
    {
        var ring = RunJob("defaults", [], NativeHelpers.MemJob, "0", "0", "0");

        var start = Assert.Single(ring.Of<InvocationStart>());
        var end = Assert.Single(ring.Of<InvocationEnd>());
        Assert.Matches(LowerHex(32), start.TraceId); // W3C trace id: 16 bytes
        Assert.Equal(start.TraceId, end.TraceId);
        Assert.Null(start.EnqueueNs);
        Assert.Null(start.Input);
        Assert.Null(start.Output);
        Assert.Null(end.BytesIn);
        Assert.Null(end.BytesOut);
    }

    [Fact]
    public void Run_JobConsumesInputAndWritesOutput_BytesInAtStartBytesOutAtEnd()
    {
        const int InputBytes = 1000;
        string input = _dir.File("in.dat");
        string output = _dir.File("out.dat");
        File.WriteAllBytes(input, new byte[InputBytes]);

        // A spool-style job: the output (twice the input) does not exist before it runs, the input is gone after it.
        var ring = RunJob("io", ["--input", input, "--output", output],
            "/bin/sh", "-c", "cat \"$1\" \"$1\" > \"$2\" && rm \"$1\"", "sh", input, output);

        var start = Assert.Single(ring.Of<InvocationStart>());
        var end = Assert.Single(ring.Of<InvocationEnd>());
        Assert.Equal(input, start.Input);
        Assert.Equal(output, start.Output);
        Assert.False(File.Exists(input), "the job should have removed its input");
        Assert.Equal(InputBytes, end.BytesIn);
        Assert.Equal(2 * InputBytes, end.BytesOut);
    }

    [Fact]
    public void Run_JobTouches64MiB_PeakRssKbIs64MiBPlusSmallBaseline()
    {
        const long TouchedMiB = 64;

        var ring = RunJob("rss", [], NativeHelpers.MemJob, TouchedMiB.ToString(System.Globalization.CultureInfo.InvariantCulture), "0", "100");

        var end = Assert.Single(ring.Of<InvocationEnd>());
        long peakRssKb = Assert.NotNull(end.PeakRssKb);
        _output.WriteLine($"peak RSS {peakRssKb} KiB for {TouchedMiB} MiB touched");
        // Every page of the block is resident at once. On top: libc, stack and binary of the C job (~1.2 MiB) or the
        // sh launcher's peak before exec (the kernel keeps the larger): 4 MiB bounds both.
        Assert.InRange(peakRssKb, TouchedMiB * KiBPerMiB, (TouchedMiB + 4) * KiBPerMiB);
        var exit = Assert.Single(ring.Of<ProcessExit>(), e => e.Pid == Assert.Single(ring.Of<InvocationStart>()).Pid);
        // The job's peak is the larger of its tree's sampled sum and the kernel's ru_maxrss (docs/cctf.md).
        Assert.True(peakRssKb >= exit.MaxRssKb, $"peak {peakRssKb} KiB below ru_maxrss {exit.MaxRssKb} KiB");
    }

    [Fact]
    public void Run_TwoProcessesHold64MiBEachAtOnce_PeakRssKbIsTheTreeSum()
    {
        const long TouchedMiB = 64;
        string mib = TouchedMiB.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Both hold their memory for 600 ms at once: several 100 ms ticks see the two together.
        var ring = RunJob("rss2", [], "/bin/sh", "-c", "\"$0\" \"$1\" 0 600 & \"$0\" \"$1\" 0 600 & wait", NativeHelpers.MemJob, mib);

        long peakRssKb = Assert.NotNull(Assert.Single(ring.Of<InvocationEnd>()).PeakRssKb);
        _output.WriteLine($"peak RSS {peakRssKb} KiB for 2 × {TouchedMiB} MiB held at once");
        // The tree's peak, not the larger process's ru_maxrss (64 MiB): two blocks, plus both C runtimes and the shell.
        Assert.InRange(peakRssKb, 2 * TouchedMiB * KiBPerMiB, (2 * TouchedMiB + 8) * KiBPerMiB);
    }

    [SkippableFact]
    public void Run_AsRoot_JobInFreshCgroupThatAccountsItsCpu()
    {
        Skip.IfNot(Proc.IsRoot, "`tracekit run` creates a cgroup for the job only as root");
        const long BurnMs = 300;

        var ring = RunJob("cgroup", [], NativeHelpers.MemJob, "0", BurnMs.ToString(System.Globalization.CultureInfo.InvariantCulture), "0");

        var start = Assert.Single(ring.Of<InvocationStart>());
        var end = Assert.Single(ring.Of<InvocationEnd>());
        Assert.Equal($"/tracekit/cgroup.n1.job-{start.Pid}", start.Cgroup);
        var samples = ring.Of<CgroupSample>().Where(s => s.Path == start.Cgroup).ToList();
        Assert.NotEmpty(samples);
        double cgroupCpuMs = samples[^1].CpuUsageNs / 1e6;
        _output.WriteLine($"cgroup {start.Cgroup}: {samples.Count} samples, last CPU {cgroupCpuMs:0.0} ms for a {BurnMs} ms burn; tree CPU {end.CpuTimeNs / 1e6:0.0} ms");
        // The job stops burning once its own CPU clock reaches BurnMs; the launcher, exec and exit add a few ms, and
        // the group is fresh, so anything more would be someone else's CPU. Below: the kernel charges the CPU run
        // since the last scheduler tick to the group the task is in at the next one, and an exiting task has
        // already left its group, so up to one tick (10 ms at HZ 100, the slowest) goes to the parent.
        Assert.InRange(cgroupCpuMs, BurnMs - 10, BurnMs + 50);
        Assert.True(end.CpuTimeNs >= (long)samples[^1].CpuUsageNs, "the tree CPU takes the cgroup's count when it is larger");
        Assert.False(Directory.Exists("/sys/fs/cgroup/cpuacct" + start.Cgroup), "the job's cgroup should be removed after the job");
    }

    private RingContents RunJob(string runId, string[] options, params string[] job)
    {
        var (code, _, stderr) = TracekitBinary.Run(["run", "--run-id", runId, "--out", _dir.Path, "--node-id", "n1", .. options, "--", .. job]);
        Assert.True(code == 0, $"exit {code}; stderr: {stderr}");
        return JobRunTests.ReadJobStream(_dir.Path, runId, "n1");
    }

    private static Regex LowerHex(int digits) => new($"^[0-9a-f]{{{digits}}}$", RegexOptions.CultureInvariant);
}
