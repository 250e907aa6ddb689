using Tracekit.Format;

namespace Tracekit.Contracts;

/// <summary>
/// Where the .NET decoder and the load generator put their records. Implementations must accept calls from
/// several threads at once: the load generator completes requests on thread-pool threads. <see cref="RecordSink"/>
/// is the ring-backed implementation; the converter wraps it to interleave clock anchors.
/// </summary>
public interface IRecordSink
{
    void Write(in DotnetMetric record);
    void Write(in DotnetEvent record);
    void Write(in InvocationStart record);
    void Write(in InvocationEnd record);
}
