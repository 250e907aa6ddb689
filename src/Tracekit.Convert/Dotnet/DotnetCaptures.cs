using System.Runtime.CompilerServices;
using Tracekit.Convert.Reading;
using Tracekit.Dotnet;
using Tracekit.Contracts;
using Tracekit.Ring;

namespace Tracekit.Convert.Dotnet;

/// <summary>
/// The .NET captures of a run (<c>&lt;node&gt;/streams/dotnet-&lt;pid&gt;-&lt;ticks&gt;/trace.nettrace</c>, raw EventPipe
/// written by `collect --dotnet`). Each is decoded once (TraceEvent, Tracekit.Dotnet) into a scratch ring that
/// joins its node as one more stream, so its records go through the same merge, clock mapping and writers as every
/// other record: invocations.jsonl, dotnet_metrics.jsonl, dotnet_events.jsonl. The scratch folder is deleted on
/// dispose. The capture folder itself is never written.
/// </summary>
internal sealed class DotnetCaptures : IDisposable
{
    /// <summary>Decoded streams: their scratch rings' headers were made at conversion time, so those anchors are hidden.</summary>
    private static readonly ConditionalWeakTable<StreamSource, object> s_decodedStreams = new();

    private readonly string? _scratch;

    private DotnetCaptures(IReadOnlyList<NodeSource> nodes, IReadOnlyList<DotnetCapture> captures, string? scratch)
    {
        Nodes = nodes;
        Captures = captures;
        _scratch = scratch;
    }

    /// <summary>The run's nodes, each with one extra stream per decoded capture.</summary>
    public IReadOnlyList<NodeSource> Nodes { get; }

    public IReadOnlyList<DotnetCapture> Captures { get; }

    /// <summary>Decodes every capture of every node. Problems go to <paramref name="warn"/> and the audit; never throws on bad content.</summary>
    public static DotnetCaptures Decode(IReadOnlyList<NodeSource> nodes, Action<string> warn)
    {
        string? scratch = null;
        var captures = new List<DotnetCapture>();
        var result = new List<NodeSource>(nodes.Count);
        foreach (var node in nodes)
        {
            var streams = new List<StreamSource>(node.Streams);
            foreach (var folder in CaptureFolders(node.DirectoryPath))
            {
                scratch ??= CreateScratch();
                var capture = DecodeOne(node.NodeId, folder, Path.Combine(scratch, node.NodeId + "-" + Path.GetFileName(folder)), out var stream);
                captures.Add(capture);
                foreach (var problem in capture.Problems) warn($"warning: node '{node.NodeId}' {capture.Folder}: {problem}");
                if (stream is null) continue;
                s_decodedStreams.AddOrUpdate(stream, stream);
                streams.Add(stream);
            }
            result.Add(node with { Streams = streams });
        }
        return new DotnetCaptures(result, captures, scratch);
    }

    /// <summary>The observer a stream's cursor reports to: a decoded stream's scratch-segment header anchor is dropped.</summary>
    public static IReadObserver Observe(StreamSource stream, IReadObserver observer) =>
        s_decodedStreams.TryGetValue(stream, out _) ? new HeaderAnchorFilter(observer) : observer;

    public string RenderAudit() => DotnetAuditSection.Render(Captures);

    public void Dispose()
    {
        if (_scratch is null) return;
        try
        {
            Directory.Delete(_scratch, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static IEnumerable<string> CaptureFolders(string nodeDirectory)
    {
        string streams = Path.Combine(nodeDirectory, RunLayout.StreamsFolderName);
        if (!Directory.Exists(streams)) return [];
        return Directory.EnumerateDirectories(streams, CaptureMetadata.FolderPrefix + "*").Order(StringComparer.Ordinal);
    }

    /// <summary>A fresh private (0700) folder under TMPDIR for the scratch rings.</summary>
    private static string CreateScratch() => Directory.CreateTempSubdirectory("tracekit-convert-dotnet-").FullName;

    private static DotnetCapture DecodeOne(string nodeId, string folder, string ringDirectory, out StreamSource? stream)
    {
        stream = null;
        string name = RunLayout.StreamsFolderName + "/" + Path.GetFileName(folder);
        var problems = new List<string>();
        var metadata = CaptureMetadata.TryRead(folder, out var problem);
        if (metadata is null)
        {
            problems.Add($"no readable {CaptureMetadata.FileName} ({problem}); the capture is skipped");
            return new DotnetCapture { NodeId = nodeId, Folder = name, Problems = problems };
        }
        string trace = Path.Combine(folder, CaptureMetadata.TraceFileName);
        if (!File.Exists(trace))
        {
            if (metadata.Status != "failed") problems.Add($"no {CaptureMetadata.TraceFileName} (status {metadata.Status})");
            return new DotnetCapture { NodeId = nodeId, Folder = name, Metadata = metadata, Problems = problems };
        }
        var anchors = CaptureMetadata.ReadAnchors(folder, out int badLines);
        if (badLines > 0) problems.Add($"{badLines} unreadable line(s) in {CaptureMetadata.AnchorsFileName} (a torn last line after a killed collector is normal)");
        var target = NettraceTarget.FromCapture(metadata, anchors);

        NettraceDecodeResult decoded;
        long dropped, late;
        using (var ring = RingWriter.Create(new RingOptions
        {
            DirectoryPath = ringDirectory,
            SegmentCapacityInBytes = 64L << 20,
            RunId = string.IsNullOrEmpty(metadata.RunId) ? "run" : metadata.RunId,
            NodeId = nodeId,
            Stage = string.IsNullOrEmpty(metadata.Stage) ? "cloud" : metadata.Stage,
        }))
        {
            var sink = new AnchoringRingSink(ring, target.Anchors);
            decoded = NettraceDecoder.Decode(trace, target, sink);
            sink.Finish();
            ring.Flush();
            dropped = sink.RecordsDropped;
            late = sink.RecordsLate;
        }
        if (late > 0)
        {
            problems.Add($"{late} decoded record(s) came more than {AnchoringRingSink.ReorderHorizonNs / 1_000_000_000} s behind later ones (requests longer than that) " +
                "and are out of time order in the stream: in opendc such a request gets CPU only from the last reading of its process before its start record, and spans it made may be tasks of their own");
        }
        if (decoded.Damage is not null) problems.Add(decoded.Damage);
        if (decoded.EventsLost > 0) problems.Add($"EventPipe dropped {decoded.EventsLost} event(s) in the target (its buffer was full)");
        stream = RunLayout.Stream(nodeId, name, ringDirectory);
        return new DotnetCapture { NodeId = nodeId, Folder = name, Metadata = metadata, Decode = decoded, RecordsDropped = dropped, Problems = problems };
    }

    /// <summary>Passes everything on except segment-header anchors (made by the scratch ring at conversion time).</summary>
    private sealed class HeaderAnchorFilter(IReadObserver inner) : IReadObserver
    {
        public void OnAnchor(StreamContext stream, in Tracekit.Format.ClockAnchor anchor, AnchorSource source, string segmentPath)
        {
            if (source == AnchorSource.Record) inner.OnAnchor(stream, anchor, source, segmentPath);
        }

        public void OnDamage(StreamContext stream, RingDamage damage) => inner.OnDamage(stream, damage);

        public void OnDamagedRecord(StreamContext stream, string segmentPath, long fileOffset, Tracekit.Format.DecodeError error) =>
            inner.OnDamagedRecord(stream, segmentPath, fileOffset, error);

        public void OnUnknownKind(StreamContext stream, ulong kindNumber) => inner.OnUnknownKind(stream, kindNumber);
    }
}
