using System.Buffers.Binary;
using Tracekit.Ring.TestWriter;

namespace Tracekit.Ring.Tests;

/// <summary>A temporary folder deleted after the test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tracekit-ring-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

internal static class TestRing
{
    public const int HeaderSize = 4096;

    public static RingOptions Options(string directory, long capacity = 64 * 1024, RingPolicy policy = RingPolicy.NoLoss, long maxTotal = 0) => new()
    {
        DirectoryPath = directory,
        SegmentCapacityInBytes = capacity,
        Policy = policy,
        MaxTotalSizeInBytes = maxTotal,
        RunId = "run-1",
        NodeId = "node-7",
        Stage = "map",
    };

    public static byte[] Payload(int producer, long sequence, int length)
    {
        var payload = new byte[length];
        TestPayload.Fill(payload, producer, sequence);
        return payload;
    }

    /// <summary>Reads to End (non-follow) and returns copies of the payloads.</summary>
    public static List<byte[]> ReadAll(string path, out IReadOnlyList<RingDamage> damage)
    {
        using RingReader reader = RingReader.Open(path);
        var records = new List<byte[]>();
        RingReadStatus status;
        while ((status = reader.TryRead(out ReadOnlySpan<byte> payload)) == RingReadStatus.Record) records.Add(payload.ToArray());
        Assert.Equal(RingReadStatus.End, status);
        damage = reader.Damage;
        return records;
    }

    /// <summary>Bitwise CRC-32C (Castagnoli, reflected 0x82F63B78): an independent oracle for the layout tests.</summary>
    public static uint ReferenceCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
        }
        return ~crc;
    }

    public static uint ReferenceFrameCrc(long position, ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[8 + payload.Length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, position);
        payload.CopyTo(bytes.AsSpan(8));
        return ReferenceCrc32C(bytes);
    }

    public static long Int64(byte[] file, int offset) => BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(offset));

    public static int Int32(byte[] file, int offset) => BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(offset));

    public static int FrameLength(int payloadLength) => 16 + ((payloadLength + 15) & ~15);
}
