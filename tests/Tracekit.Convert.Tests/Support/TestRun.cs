using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Convert.Tests.Support;

/// <summary>A temporary run folder whose rings the test writes with the real RingWriter and RecordEncoder.</summary>
public sealed class TestRun : IDisposable
{
    public const string RunId = "R1";

    public TestRun()
    {
        Root = Path.Combine(Path.GetTempPath(), "tk-convert-" + Guid.NewGuid().ToString("N"));
        RunDirectory = Path.Combine(Root, RunId);
        Directory.CreateDirectory(RunDirectory);
    }

    public string Root { get; }

    public string RunDirectory { get; }

    public string OutputDirectory => Path.Combine(RunDirectory, "cctf");

    /// <summary>A ring in <c>R/&lt;folder&gt;/</c> (or <c>R/&lt;folder&gt;/streams/&lt;stream&gt;/</c>).</summary>
    public TestRing Ring(
        string nodeFolder, string stage = "cloud", string? stream = null, string? headerNodeId = null, long segmentCapacityInBytes = 64 * 1024,
        RingPolicy policy = RingPolicy.NoLoss, long maxTotalSizeInBytes = 0)
    {
        string directory = stream is null
            ? Path.Combine(RunDirectory, nodeFolder)
            : Path.Combine(RunDirectory, nodeFolder, "streams", stream);
        return new TestRing(RingWriter.Create(new RingOptions
        {
            DirectoryPath = directory,
            SegmentCapacityInBytes = segmentCapacityInBytes,
            Policy = policy,
            MaxTotalSizeInBytes = maxTotalSizeInBytes,
            RunId = RunId,
            NodeId = headerNodeId ?? nodeFolder,
            Stage = stage,
        }), directory);
    }

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
}

/// <summary>Appends records of any kind to a ring; raw payloads for damage and unknown-kind tests.</summary>
public sealed class TestRing(RingWriter writer, string directory) : IDisposable
{
    public string Directory { get; } = directory;

    public string FirstSegmentPath => Path.Combine(Directory, "ring-000000.tkr");

    public TestRing Add(object record)
    {
        var buffer = new byte[4096];
        int written;
        bool ok = record switch
        {
            HostCpu r => RecordEncoder.TryEncode(r, buffer, out written),
            HostMemory r => RecordEncoder.TryEncode(r, buffer, out written),
            NetDevice r => RecordEncoder.TryEncode(r, buffer, out written),
            ProcessSample r => RecordEncoder.TryEncode(r, buffer, out written),
            ProcessStart r => RecordEncoder.TryEncode(r, buffer, out written),
            ProcessExit r => RecordEncoder.TryEncode(r, buffer, out written),
            CgroupSample r => RecordEncoder.TryEncode(r, buffer, out written),
            InvocationStart r => RecordEncoder.TryEncode(r, buffer, out written),
            InvocationEnd r => RecordEncoder.TryEncode(r, buffer, out written),
            DotnetMetric r => RecordEncoder.TryEncode(r, buffer, out written),
            DotnetEvent r => RecordEncoder.TryEncode(r, buffer, out written),
            NodeInfo r => RecordEncoder.TryEncode(r, buffer, out written),
            Link r => RecordEncoder.TryEncode(r, buffer, out written),
            Placement r => RecordEncoder.TryEncode(r, buffer, out written),
            ClockAnchor r => RecordEncoder.TryEncode(r, buffer, out written),
            SelfReport r => RecordEncoder.TryEncode(r, buffer, out written),
            _ => throw new ArgumentException($"not a record type: {record.GetType()}"),
        };
        Assert.True(ok, $"encoding {record.GetType().Name} failed");
        return AddRaw(buffer.AsSpan(0, written));
    }

    public TestRing AddRaw(ReadOnlySpan<byte> payload)
    {
        Assert.True(TryAddRaw(payload));
        return this;
    }

    /// <summary>False when a full no-loss ring dropped the record (the header counts it).</summary>
    public bool TryAddRaw(ReadOnlySpan<byte> payload) => writer.TryAppend(payload);

    public void Dispose() => writer.Dispose();
}
