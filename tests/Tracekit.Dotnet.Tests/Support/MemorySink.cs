using System.Collections.Concurrent;
using Tracekit.Dotnet;
using Tracekit.Format;

namespace Tracekit.Dotnet.Tests.Support;

/// <summary>Keeps every record in memory; thread-safe like the real sink must be.</summary>
internal sealed class MemorySink : IRecordSink
{
    public ConcurrentQueue<DotnetMetric> Metrics { get; } = new();
    public ConcurrentQueue<DotnetEvent> Events { get; } = new();
    public ConcurrentQueue<InvocationStart> Starts { get; } = new();
    public ConcurrentQueue<InvocationEnd> Ends { get; } = new();

    public void Write(in DotnetMetric record) => Metrics.Enqueue(record);
    public void Write(in DotnetEvent record) => Events.Enqueue(record);
    public void Write(in InvocationStart record) => Starts.Enqueue(record);
    public void Write(in InvocationEnd record) => Ends.Enqueue(record);
}
