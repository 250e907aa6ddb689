using Tracekit.Format;

namespace Tracekit.Load;

/// <summary>
/// Where the tracer and the load generator put their records. Implementations must accept calls from several
/// threads at once: each attached process is read on a thread of its own, and the load generator completes
/// requests on thread-pool threads. <see cref="RingRecordSink"/> is the ring-backed implementation.
/// </summary>
public interface IRecordSink
{
    void Write(in DotnetMetric record);
    void Write(in DotnetEvent record);
    void Write(in InvocationStart record);
    void Write(in InvocationEnd record);
}
