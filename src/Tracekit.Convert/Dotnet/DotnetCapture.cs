using Tracekit.Dotnet;
using Tracekit.Contracts;

namespace Tracekit.Convert.Dotnet;

/// <summary>What the converter found in one <c>streams/dotnet-*</c> folder: the sidecar's word and the decode's.</summary>
internal sealed record DotnetCapture
{
    public required string NodeId { get; init; }
    public required string Folder { get; init; }
    public CaptureMetadata? Metadata { get; init; }
    public NettraceDecodeResult? Decode { get; init; }
    /// <summary>Records the scratch ring refused (should be 0).</summary>
    public long RecordsDropped { get; init; }
    /// <summary>Why the folder yielded nothing or less than it should: sidecar unreadable, no trace file, decode failure.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
}
