using Microsoft.Diagnostics.NETCore.Client;
using Tracekit.Native;

namespace Tracekit.EventPipe.Tests;

public sealed class MetadataTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracekit-eventpipe-meta-").FullName;

    [Fact]
    public void CaptureMetadata_WriteThenRead_RoundTrips()
    {
        var written = new CaptureMetadata
        {
            Pid = 42, PidStartTicks = 123456, Module = "svc", Command = "svc --urls x", RuntimeMajorVersion = 8, MetricsSource = "eventcounters",
            MetricsIntervalSeconds = 2, RunId = "r", NodeId = "n", Stage = "edge", Status = "detached", EndReason = "process exited",
            Attach = new ClockPair(10, 1_000), End = new ClockPair(20, 1_010), BytesWritten = 99,
        };
        written.WriteTo(_dir);
        var read = CaptureMetadata.TryRead(_dir, out var problem);
        Assert.Null(problem);
        Assert.Equal(written, read);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, CaptureMetadata.FileName)));
        Assert.False(File.Exists(Path.Combine(_dir, CaptureMetadata.FileName + ".tmp")));
    }

    [Fact]
    public void CaptureMetadata_SampleRatio_RoundTripsAndAbsentReadsAsOne()
    {
        var sampled = new CaptureMetadata { Pid = 7, RequestSampleRatio = 0.01, Attach = new ClockPair(1, 2) };
        sampled.WriteTo(_dir);
        Assert.Contains("\"requestSampleRatio\": 0.01", File.ReadAllText(Path.Combine(_dir, CaptureMetadata.FileName)), StringComparison.Ordinal);
        Assert.Equal(0.01, CaptureMetadata.TryRead(_dir, out _)!.RequestSampleRatio);

        File.WriteAllText(Path.Combine(_dir, CaptureMetadata.FileName), "{\"format\":\"tracekit-dotnet-capture/1\",\"pid\":7}");
        Assert.Equal(1.0, CaptureMetadata.TryRead(_dir, out _)!.RequestSampleRatio);
    }

    [Fact]
    public void CaptureSession_Build_SampledRequests_RatioSamplerOnBothSourcesAndRecordedOnServerEvents()
    {
        var config = CaptureSession.Build(new CaptureOptions { StreamsDirectory = "/x", Metrics = false, GcEvents = false, RequestSampleRatio = 0.1 }, "c", false);

        string specs = Assert.Single(config.Providers, p => p.Name == CaptureProviders.DiagnosticSource).Arguments!["FilterAndPayloadSpecs"];
        string[] lines = specs.Split('\n');
        Assert.Equal("[AS]Microsoft.AspNetCore/Start-ParentRatioSampler(0.1):-", lines[0]);
        Assert.StartsWith("[AS]System.Net.Http/Stop-ParentRatioSampler(0.1):-", lines[3], StringComparison.Ordinal);
        Assert.All(lines[1..3], l => Assert.EndsWith(";" + CaptureProviders.RecordedField, l, StringComparison.Ordinal));
        // The DiagnosticListener line that makes hosting create the Activity by itself would bypass the sampler.
        Assert.DoesNotContain("Microsoft.AspNetCore/Microsoft.AspNetCore.Hosting.HttpRequestIn", specs, StringComparison.Ordinal);
    }

    [Fact]
    public void CaptureSession_Build_LeanRequests_HostingEventSourceAndTplActivityIdsOnly()
    {
        var config = CaptureSession.Build(new CaptureOptions { StreamsDirectory = "/x", Metrics = false, GcEvents = false, Requests = false, LeanRequests = true }, "c", false);

        Assert.Equal([CaptureProviders.Hosting, CaptureProviders.Tpl], config.Providers.Select(p => p.Name));
        Assert.Equal(0x80, config.Providers.Last().Keywords);
    }

    [Fact]
    public void CaptureOptions_Validate_RejectsBadRatiosAndBothRequestSources()
    {
        Assert.Throws<ArgumentException>(new CaptureOptions { StreamsDirectory = "/x", RequestSampleRatio = 0 }.Validate);
        Assert.Throws<ArgumentException>(new CaptureOptions { StreamsDirectory = "/x", RequestSampleRatio = 1.01 }.Validate);
        Assert.Throws<ArgumentException>(new CaptureOptions { StreamsDirectory = "/x", RequestSampleRatio = double.NaN }.Validate);
        Assert.Throws<ArgumentException>(new CaptureOptions { StreamsDirectory = "/x", LeanRequests = true }.Validate);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"format\":\"something-else\"}")]
    [InlineData("{\"format\":\"tracekit-dotnet-capture/1\",\"pid\":")]
    public void CaptureMetadata_BadFile_NullWithReason(string content)
    {
        File.WriteAllText(Path.Combine(_dir, CaptureMetadata.FileName), content);
        Assert.Null(CaptureMetadata.TryRead(_dir, out var problem));
        Assert.Contains(CaptureMetadata.FileName, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadAnchors_TornLastLine_CountedNotFatal()
    {
        var synced = new ClockPair(5, 500, new ClockSyncInfo(0, 0x2000, 7, 8, 9));
        CaptureMetadata.AppendAnchor(_dir, synced);
        CaptureMetadata.AppendAnchor(_dir, new ClockPair(6, 600, ClockSyncInfo.Unknown));
        File.AppendAllText(Path.Combine(_dir, CaptureMetadata.AnchorsFileName), "{\"monotonicNs\":7,\"realti");
        var anchors = CaptureMetadata.ReadAnchors(_dir, out int bad);
        Assert.Equal(1, bad);
        Assert.Equal([synced, new ClockPair(6, 600, ClockSyncInfo.Unknown)], anchors);
    }

    [Fact]
    public void ClockPair_Read_RealtimeMinusMonotonicMatchesTheClocks()
    {
        var pair = ClockPair.Read();
        long offset = Libc.ClockGetTimeNs(ClockId.Realtime) - Libc.ClockGetTimeNs(ClockId.Monotonic);
        Assert.InRange(pair.OffsetNs, offset - 50_000_000, offset + 50_000_000);
    }

    [Fact]
    public void CaptureOptions_MetricsInterval_ClampedToOneSecondAndValidated()
    {
        Assert.Equal(1, new CaptureOptions { StreamsDirectory = "/x", IntervalNs = 100_000_000 }.MetricsIntervalSeconds);
        Assert.Equal(5, new CaptureOptions { StreamsDirectory = "/x", IntervalNs = 5_000_000_000 }.MetricsIntervalSeconds);
        Assert.Throws<ArgumentException>(new CaptureOptions { StreamsDirectory = "/x", Metrics = false, GcEvents = false, Requests = false }.Validate);
        Assert.Throws<ArgumentException>(new CaptureOptions { StreamsDirectory = "/x", Pids = [0] }.Validate);
    }

    [Fact]
    public void CaptureSession_Build_SharedMetricsSessionAtTheIntervalWithOwnClientId()
    {
        var config = CaptureSession.Build(new CaptureOptions { StreamsDirectory = "/x", IntervalNs = 2_000_000_000 }, "client-7", eventCounters: false);
        var metrics = Assert.Single(config.Providers, p => p.Name == CaptureProviders.Metrics);
        Assert.Equal("SHARED", metrics.Arguments!["SessionId"]);
        Assert.Equal("client-7", metrics.Arguments["ClientId"]);
        Assert.Equal("2", metrics.Arguments["RefreshInterval"]);
        var gc = Assert.Single(config.Providers, p => p.Name == CaptureProviders.Runtime);
        Assert.Equal((0x1L, System.Diagnostics.Tracing.EventLevel.Informational), (gc.Keywords, gc.EventLevel));
        Assert.Contains("EndRequest", Assert.Single(config.Providers, p => p.Name == CaptureProviders.DiagnosticSource).Arguments!["FilterAndPayloadSpecs"], StringComparison.Ordinal);
        Assert.False(config.RequestRundown);
        var fallback = CaptureSession.Build(new CaptureOptions { StreamsDirectory = "/x" }, "c", eventCounters: true);
        Assert.DoesNotContain(fallback.Providers, p => p.Name == CaptureProviders.Metrics);
        Assert.Equal("1", Assert.Single(fallback.Providers, p => p.Name == CaptureProviders.EventCounters).Arguments!["EventCounterIntervalSec"]);
    }

    /// <summary>Every non-empty choice of `--dotnet-sources metrics,gc,requests`, each with the meter and with the EventCounters.</summary>
    public static TheoryData<bool, bool, bool, bool> SourceCombinations()
    {
        var data = new TheoryData<bool, bool, bool, bool>();
        for (int bits = 1; bits < 8; bits++)
        {
            data.Add((bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0, false);
            data.Add((bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SourceCombinations))]
    public void CaptureSession_Build_AnySourceCombination_NoCpuSampleProfilerAndNoStacks(bool metrics, bool gc, bool requests, bool eventCounters)
    {
        var options = new CaptureOptions { StreamsDirectory = "/x", Metrics = metrics, GcEvents = gc, Requests = requests };
        var config = CaptureSession.Build(options, "c", eventCounters);
        // The sampler stops every thread of the target about every millisecond: a cost Tracekit never asks for.
        Assert.DoesNotContain(config.Providers, p => p.Name == "Microsoft-DotNETCore-SampleProfiler");
        Assert.False(config.RequestStackwalk);
        // The providers are exactly the chosen sources', so the check above saw the full list.
        var expected = new List<string>();
        if (gc) expected.Add(CaptureProviders.Runtime);
        if (metrics) expected.Add(eventCounters ? CaptureProviders.EventCounters : CaptureProviders.Metrics);
        if (requests) expected.Add(CaptureProviders.DiagnosticSource);
        Assert.Equal(expected, config.Providers.Select(p => p.Name));
    }

    [Theory]
    [InlineData(8, false, true)]
    [InlineData(6, false, true)]
    [InlineData(9, false, false)]
    [InlineData(10, false, false)]
    [InlineData(null, false, false)]
    [InlineData(10, true, true)]
    [InlineData(null, true, true)]
    public void CaptureProviders_UseEventCounters_RuntimeVersion_EventCountersOnlyBeforeNet9OrWhenForced(int? major, bool force, bool expected)
    {
        // null is what TargetIdentity.RuntimeMajorVersion gives for a version it cannot read or parse; the meter is the documented default.
        Assert.Equal(expected, CaptureProviders.UseEventCounters(major, force));
    }

    [Fact]
    public void TargetIdentity_Module_DotnetHostGivesAssemblyName()
    {
        Assert.Equal("app", TargetIdentity.Module(1, ["/usr/bin/dotnet", "exec", "/srv/app.dll", "--x"]));
        Assert.Equal("svc", TargetIdentity.Module(1, ["/opt/svc", "--urls", "u"]));
        Assert.Equal("pid-7", TargetIdentity.Module(7, []));
        Assert.Equal(Environment.Version.Major, TargetIdentity.RuntimeMajorVersion(Environment.ProcessId));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
