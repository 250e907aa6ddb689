using System.Buffers;
using MessagePack;

namespace Tracekit.Format.Tests;

/// <summary>Single values written by the MessagePack package, for byte-exact comparison with our primitives.</summary>
internal static class OracleBytes
{
    public delegate void WriteAction(ref MessagePackWriter writer);

    public static byte[] Of(WriteAction write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static string Hex(WriteAction write) => Convert.ToHexString(Of(write));
}
