using System.Reflection;

namespace Tracekit.Format.Tests;

/// <summary>Calls our encoder and decoder for a boxed record, so one test can cover every kind.</summary>
internal static class Codec
{
    public static RecordKind KindOf(object record) => KindOf(record.GetType());

    public static RecordKind KindOf(Type recordType) => Enum.Parse<RecordKind>(recordType.Name);

    public static Type TypeOf(RecordKind kind) => typeof(RecordKind).Assembly.GetType("Tracekit.Format." + kind)!;

    /// <summary>The UTF-16 length of all string fields, for <see cref="RecordEncoder.MaxEncodedSizeInBytes"/>.</summary>
    public static int StringChars(object record) =>
        record.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance)
            .Where(field => field.FieldType == typeof(string))
            .Sum(field => ((string?)field.GetValue(record))?.Length ?? 0);

    public static bool TryEncode(object record, Span<byte> destination, out int bytesWritten) => record switch
    {
        HostCpu r => RecordEncoder.TryEncode(r, destination, out bytesWritten),
        HostMemory r => RecordEncoder.TryEncode(r, destination, out bytesWritten),
        NetDevice r => RecordEncoder.TryEncode(r, destination, out bytesWritten),
        ProcessSample r => RecordEncoder.TryEncode(r, destination, out bytesWritten),
        ProcessStart r => RecordEncoder.TryEncode(r, destination, out bytesWritten),
        ProcessExit r => RecordEncoder.TryEncode(r, destination, out bytesWritten),
        CgroupSample r => RecordEncoder.TryEncode(r, destination, out bytesWritten),
        InvocationStart r => RecordEncoder.TryEncode(r, destination, out bytesWritten),
        InvocationEnd r => RecordEncoder.TryEncode(r, destination, out bytesWritten),
        DotnetMetric r => RecordEncoder.TryEncode(r, destination, out bytesWritten),
        DotnetEvent r => RecordEncoder.TryEncode(r, destination, out bytesWritten),
        NodeInfo r => RecordEncoder.TryEncode(r, destination, out bytesWritten),
        Link r => RecordEncoder.TryEncode(r, destination, out bytesWritten),
        Placement r => RecordEncoder.TryEncode(r, destination, out bytesWritten),
        ClockAnchor r => RecordEncoder.TryEncode(r, destination, out bytesWritten),
        SelfReport r => RecordEncoder.TryEncode(r, destination, out bytesWritten),
        _ => throw new ArgumentException("not a record: " + record.GetType()),
    };

    /// <summary>Encodes into a buffer of exactly the documented upper bound, which must suffice.</summary>
    public static byte[] Encode(object record)
    {
        var buffer = new byte[RecordEncoder.MaxEncodedSizeInBytes(StringChars(record))];
        Assert.True(TryEncode(record, buffer, out int written), "the documented bound must always fit");
        return buffer.AsSpan(0, written).ToArray();
    }

    /// <summary>Calls the kind-specific TryDecode for <paramref name="kind"/>.</summary>
    public static bool TryDecode(RecordKind kind, ReadOnlySpan<byte> payload, out object? record, out DecodeError error)
    {
        bool ok;
        switch (kind)
        {
            case RecordKind.HostCpu: ok = RecordDecoder.TryDecode(payload, out HostCpu a, out error); record = a; break;
            case RecordKind.HostMemory: ok = RecordDecoder.TryDecode(payload, out HostMemory b, out error); record = b; break;
            case RecordKind.NetDevice: ok = RecordDecoder.TryDecode(payload, out NetDevice c, out error); record = c; break;
            case RecordKind.ProcessSample: ok = RecordDecoder.TryDecode(payload, out ProcessSample d, out error); record = d; break;
            case RecordKind.ProcessStart: ok = RecordDecoder.TryDecode(payload, out ProcessStart e, out error); record = e; break;
            case RecordKind.ProcessExit: ok = RecordDecoder.TryDecode(payload, out ProcessExit f, out error); record = f; break;
            case RecordKind.CgroupSample: ok = RecordDecoder.TryDecode(payload, out CgroupSample g, out error); record = g; break;
            case RecordKind.InvocationStart: ok = RecordDecoder.TryDecode(payload, out InvocationStart h, out error); record = h; break;
            case RecordKind.InvocationEnd: ok = RecordDecoder.TryDecode(payload, out InvocationEnd i, out error); record = i; break;
            case RecordKind.DotnetMetric: ok = RecordDecoder.TryDecode(payload, out DotnetMetric j, out error); record = j; break;
            case RecordKind.DotnetEvent: ok = RecordDecoder.TryDecode(payload, out DotnetEvent k, out error); record = k; break;
            case RecordKind.NodeInfo: ok = RecordDecoder.TryDecode(payload, out NodeInfo l, out error); record = l; break;
            case RecordKind.Link: ok = RecordDecoder.TryDecode(payload, out Link m, out error); record = m; break;
            case RecordKind.Placement: ok = RecordDecoder.TryDecode(payload, out Placement n, out error); record = n; break;
            case RecordKind.ClockAnchor: ok = RecordDecoder.TryDecode(payload, out ClockAnchor o, out error); record = o; break;
            case RecordKind.SelfReport: ok = RecordDecoder.TryDecode(payload, out SelfReport p, out error); record = p; break;
            default: throw new ArgumentOutOfRangeException(nameof(kind));
        }
        if (!ok)
        {
            record = null;
        }
        return ok;
    }

    /// <summary>Decodes with both the kind-specific overload and TryDecodeAny, asserting that they agree.</summary>
    public static object DecodeOrFail(byte[] payload)
    {
        Assert.True(RecordDecoder.TryReadHeader(payload, out RecordKind kind, out _, out DecodeError headerError), headerError.ToString());
        Assert.True(TryDecode(kind, payload, out object? specific, out DecodeError error), error.ToString());
        Assert.True(RecordDecoder.TryDecodeAny(payload, out object? any, out DecodeError anyError), anyError.ToString());
        Assert.Equal(specific, any);
        return specific!;
    }
}
