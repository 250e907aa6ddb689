using ParquetSharp;

namespace Tracekit.Opendc;

/// <summary>Writer properties shared by both tables.</summary>
internal static class ParquetWriterSettings
{
    /// <summary>SNAPPY is what OpenDC's own fixtures use, so it is the codec its reader is known to handle.</summary>
    public static WriterProperties Create()
    {
        using var builder = new WriterPropertiesBuilder();
        return builder
            .Compression(Compression.Snappy)
            .CreatedBy("Tracekit.Opendc (ParquetSharp)")
            .Build();
    }
}
