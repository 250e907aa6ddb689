using BenchmarkDotNet.Attributes;
using Tracekit.Format;
using R = Tracekit.Benchmarks.FormatBenchmarkRecords;

namespace Tracekit.Benchmarks;

/// <summary>Encode of every record kind into a reused buffer; the baseline is the hot-path ProcessSample.</summary>
[MemoryDiagnoser]
[BenchmarkCategory("format")]
public class FormatEncodeBenchmarks
{
    private readonly byte[] _buffer = new byte[RecordEncoder.DefaultBufferSizeInBytes];

    [Benchmark(Baseline = true)]
    public int ProcessSample() => Encode(RecordEncoder.TryEncode(R.ProcessSample, _buffer, out int n), n);

    [Benchmark]
    public int HostCpu() => Encode(RecordEncoder.TryEncode(R.HostCpu, _buffer, out int n), n);

    [Benchmark]
    public int HostMemory() => Encode(RecordEncoder.TryEncode(R.HostMemory, _buffer, out int n), n);

    [Benchmark]
    public int NetDevice() => Encode(RecordEncoder.TryEncode(R.NetDevice, _buffer, out int n), n);

    [Benchmark]
    public int ProcessStart() => Encode(RecordEncoder.TryEncode(R.ProcessStart, _buffer, out int n), n);

    [Benchmark]
    public int ProcessExit() => Encode(RecordEncoder.TryEncode(R.ProcessExit, _buffer, out int n), n);

    [Benchmark]
    public int CgroupSample() => Encode(RecordEncoder.TryEncode(R.CgroupSample, _buffer, out int n), n);

    [Benchmark]
    public int InvocationStart() => Encode(RecordEncoder.TryEncode(R.InvocationStart, _buffer, out int n), n);

    [Benchmark]
    public int InvocationEnd() => Encode(RecordEncoder.TryEncode(R.InvocationEnd, _buffer, out int n), n);

    [Benchmark]
    public int DotnetMetric() => Encode(RecordEncoder.TryEncode(R.DotnetMetric, _buffer, out int n), n);

    [Benchmark]
    public int DotnetEvent() => Encode(RecordEncoder.TryEncode(R.DotnetEvent, _buffer, out int n), n);

    [Benchmark]
    public int NodeInfo() => Encode(RecordEncoder.TryEncode(R.NodeInfo, _buffer, out int n), n);

    [Benchmark]
    public int Link() => Encode(RecordEncoder.TryEncode(R.Link, _buffer, out int n), n);

    [Benchmark]
    public int Placement() => Encode(RecordEncoder.TryEncode(R.Placement, _buffer, out int n), n);

    [Benchmark]
    public int ClockAnchor() => Encode(RecordEncoder.TryEncode(R.ClockAnchor, _buffer, out int n), n);

    [Benchmark]
    public int SelfReport() => Encode(RecordEncoder.TryEncode(R.SelfReport, _buffer, out int n), n);

    // Returning the length keeps the work observable; a failed encode would be a broken benchmark.
    private static int Encode(bool ok, int bytesWritten) => ok ? bytesWritten : throw new InvalidOperationException("encode failed");
}

/// <summary>
/// Decode of every record kind from a pre-encoded payload; the baseline is ProcessSample, whose goal is
/// 20 M records/s (50 ns). Kinds with strings allocate them: that is the converter's price, not the hot path's.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("format")]
public class FormatDecodeBenchmarks
{
    private byte[] _processSample = [];
    private byte[] _hostCpu = [];
    private byte[] _hostMemory = [];
    private byte[] _netDevice = [];
    private byte[] _processStart = [];
    private byte[] _processExit = [];
    private byte[] _cgroupSample = [];
    private byte[] _invocationStart = [];
    private byte[] _invocationEnd = [];
    private byte[] _dotnetMetric = [];
    private byte[] _dotnetEvent = [];
    private byte[] _nodeInfo = [];
    private byte[] _link = [];
    private byte[] _placement = [];
    private byte[] _clockAnchor = [];
    private byte[] _selfReport = [];

    [GlobalSetup]
    public void Setup()
    {
        var buffer = new byte[RecordEncoder.DefaultBufferSizeInBytes];
        _processSample = Payload(buffer, RecordEncoder.TryEncode(R.ProcessSample, buffer, out int n), n);
        _hostCpu = Payload(buffer, RecordEncoder.TryEncode(R.HostCpu, buffer, out n), n);
        _hostMemory = Payload(buffer, RecordEncoder.TryEncode(R.HostMemory, buffer, out n), n);
        _netDevice = Payload(buffer, RecordEncoder.TryEncode(R.NetDevice, buffer, out n), n);
        _processStart = Payload(buffer, RecordEncoder.TryEncode(R.ProcessStart, buffer, out n), n);
        _processExit = Payload(buffer, RecordEncoder.TryEncode(R.ProcessExit, buffer, out n), n);
        _cgroupSample = Payload(buffer, RecordEncoder.TryEncode(R.CgroupSample, buffer, out n), n);
        _invocationStart = Payload(buffer, RecordEncoder.TryEncode(R.InvocationStart, buffer, out n), n);
        _invocationEnd = Payload(buffer, RecordEncoder.TryEncode(R.InvocationEnd, buffer, out n), n);
        _dotnetMetric = Payload(buffer, RecordEncoder.TryEncode(R.DotnetMetric, buffer, out n), n);
        _dotnetEvent = Payload(buffer, RecordEncoder.TryEncode(R.DotnetEvent, buffer, out n), n);
        _nodeInfo = Payload(buffer, RecordEncoder.TryEncode(R.NodeInfo, buffer, out n), n);
        _link = Payload(buffer, RecordEncoder.TryEncode(R.Link, buffer, out n), n);
        _placement = Payload(buffer, RecordEncoder.TryEncode(R.Placement, buffer, out n), n);
        _clockAnchor = Payload(buffer, RecordEncoder.TryEncode(R.ClockAnchor, buffer, out n), n);
        _selfReport = Payload(buffer, RecordEncoder.TryEncode(R.SelfReport, buffer, out n), n);
    }

    [Benchmark(Baseline = true)]
    public ulong ProcessSample() => Check(RecordDecoder.TryDecode(_processSample, out ProcessSample r, out _), r.CpuTimeNs);

    [Benchmark]
    public ulong ProcessSampleHeaderThenRecord()
    {
        // The converter's typed path: dispatch on the header, then decode the known kind.
        bool isSample = RecordDecoder.TryReadHeader(_processSample, out RecordKind kind, out _, out _) && kind == RecordKind.ProcessSample;
        return Check(isSample & RecordDecoder.TryDecode(_processSample, out ProcessSample r, out _), r.CpuTimeNs);
    }

    [Benchmark]
    public ulong HostCpu() => Check(RecordDecoder.TryDecode(_hostCpu, out HostCpu r, out _), r.IdleTicks);

    [Benchmark]
    public ulong HostMemory() => Check(RecordDecoder.TryDecode(_hostMemory, out HostMemory r, out _), r.MemFreeKb);

    [Benchmark]
    public ulong NetDevice() => Check(RecordDecoder.TryDecode(_netDevice, out NetDevice r, out _), r.RxBytes);

    [Benchmark]
    public ulong ProcessStart() => Check(RecordDecoder.TryDecode(_processStart, out ProcessStart r, out _), r.StartTicks);

    [Benchmark]
    public ulong ProcessExit() => Check(RecordDecoder.TryDecode(_processExit, out ProcessExit r, out _), r.StartTicks);

    [Benchmark]
    public ulong CgroupSample() => Check(RecordDecoder.TryDecode(_cgroupSample, out CgroupSample r, out _), r.CpuUsageNs);

    [Benchmark]
    public ulong InvocationStart() => Check(RecordDecoder.TryDecode(_invocationStart, out InvocationStart r, out _), r.TimestampNs);

    [Benchmark]
    public ulong InvocationEnd() => Check(RecordDecoder.TryDecode(_invocationEnd, out InvocationEnd r, out _), r.TimestampNs);

    [Benchmark]
    public ulong DotnetMetric() => Check(RecordDecoder.TryDecode(_dotnetMetric, out DotnetMetric r, out _), r.TimestampNs);

    [Benchmark]
    public ulong DotnetEvent() => Check(RecordDecoder.TryDecode(_dotnetEvent, out DotnetEvent r, out _), r.Sequence);

    [Benchmark]
    public ulong NodeInfo() => Check(RecordDecoder.TryDecode(_nodeInfo, out NodeInfo r, out _), r.MemTotalKb);

    [Benchmark]
    public ulong Link() => Check(RecordDecoder.TryDecode(_link, out Link r, out _), r.TimestampNs);

    [Benchmark]
    public ulong Placement() => Check(RecordDecoder.TryDecode(_placement, out Placement r, out _), r.TimestampNs);

    [Benchmark]
    public ulong ClockAnchor() => Check(RecordDecoder.TryDecode(_clockAnchor, out ClockAnchor r, out _), r.TimestampNs);

    [Benchmark]
    public ulong SelfReport() => Check(RecordDecoder.TryDecode(_selfReport, out SelfReport r, out _), r.Ticks);

    /// <summary>The converter's generic path: header, dispatch, boxed record.</summary>
    [Benchmark]
    public object ProcessSampleAny() =>
        RecordDecoder.TryDecodeAny(_processSample, out object? record, out _) ? record : throw new InvalidOperationException("decode failed");

    private static byte[] Payload(byte[] buffer, bool ok, int bytesWritten) =>
        ok ? buffer.AsSpan(0, bytesWritten).ToArray() : throw new InvalidOperationException("encode failed");

    private static ulong Check(bool ok, ulong value) => ok ? value : throw new InvalidOperationException("decode failed");
}
