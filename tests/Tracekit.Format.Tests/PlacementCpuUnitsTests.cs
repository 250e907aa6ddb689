using MessagePack;

namespace Tracekit.Format.Tests;

/// <summary>Version 1.2 (docs/ring-format.md section 5): Placement's appended cpuUnits, read back by the MessagePack package.</summary>
public sealed class PlacementCpuUnitsTests
{
    private static Placement Sample(int? units) => new()
    {
        TimestampNs = 42, AppId = "run", ModuleId = "batch", InstanceId = "job", NodeId = "n1", Event = "placed", Stage = "cloud", CpuUnits = units,
    };

    [Fact]
    public void Placement_WithCpuUnits_WritesNineElementsTheOracleReads()
    {
        byte[] payload = Codec.Encode(Sample(3));

        var reader = new MessagePackReader(payload);
        Assert.Equal(9, reader.ReadArrayHeader());
        for (int i = 0; i < 8; i++) reader.Skip();
        Assert.Equal(3, reader.ReadInt32());
        Assert.Equal(3, ((Placement)Codec.DecodeOrFail(payload)).CpuUnits);
    }

    [Fact]
    public void Placement_WithoutCpuUnits_KeepsTheVersionOneLayout()
    {
        byte[] payload = Codec.Encode(Sample(null));

        var reader = new MessagePackReader(payload);
        Assert.Equal(8, reader.ReadArrayHeader());
        Assert.Null(((Placement)Codec.DecodeOrFail(payload)).CpuUnits);
    }

    [Fact]
    public void Placement_NilCpuUnitsAndLaterFields_DecodeAsUnknownAndSkipped()
    {
        byte[] payload = VersionOneFieldsThen(2, (ref MessagePackWriter w) => { w.WriteNil(); w.Write("a field of a later version"); });

        var decoded = (Placement)Codec.DecodeOrFail(payload);

        Assert.Null(decoded.CpuUnits);
        Assert.Equal("started", decoded.Event);
    }

    [Fact]
    public void Placement_CpuUnitsOfWrongType_IsDamage()
    {
        byte[] payload = VersionOneFieldsThen(1, (ref MessagePackWriter w) => w.Write("two"));

        Assert.False(RecordDecoder.TryDecode(payload, out Placement _, out var error));
        Assert.True(error.Offset > 0);
    }

    private delegate void AppendFields(ref MessagePackWriter writer);

    /// <summary>A Placement written by the MessagePack package: version 1's eight elements, then <paramref name="extra"/> more.</summary>
    private static byte[] VersionOneFieldsThen(int extra, AppendFields append)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(8 + extra);
        w.Write((ulong)RecordKind.Placement);
        w.Write(7UL);
        foreach (var s in new[] { "run", "batch", "job", "n1", "started", "cloud" }) w.Write(s);
        append(ref w);
        w.Flush();
        return buffer.WrittenMemory.ToArray();
    }
}
