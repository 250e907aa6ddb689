namespace Tracekit.Procfs;

/// <summary>What /proc/cpuinfo says about the CPU model, the processor count and the highest current clock.</summary>
public static class CpuInfoParser
{
    /// <summary>
    /// <paramref name="modelName"/> is the first "model name" value (x86; empty on architectures without it),
    /// <paramref name="processorCount"/> counts "processor" lines and <paramref name="maxCurrentMhz"/> is the
    /// highest "cpu MHz" seen (0 if none): a current clock, used only when cpufreq's maximum is unavailable.
    /// False when no processor line parses.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> content, out ReadOnlySpan<byte> modelName, out int processorCount, out double maxCurrentMhz)
    {
        modelName = default;
        processorCount = 0;
        maxCurrentMhz = 0;
        ReadOnlySpan<byte> rest = content;
        while (AsciiScan.TryTakeLine(ref rest, out ReadOnlySpan<byte> line))
        {
            int colon = line.IndexOf((byte)':');
            if (colon < 0)
            {
                continue;
            }

            ReadOnlySpan<byte> key = AsciiScan.Trim(line[..colon]);
            ReadOnlySpan<byte> value = AsciiScan.Trim(line[(colon + 1)..]);
            if (key.SequenceEqual("processor"u8))
            {
                if (AsciiScan.TryParseUInt64(value, out _))
                {
                    processorCount++;
                }
            }
            else if (key.SequenceEqual("model name"u8))
            {
                if (modelName.IsEmpty)
                {
                    modelName = value;
                }
            }
            else if (key.SequenceEqual("cpu MHz"u8) && AsciiScan.TryParseDecimal(value, out double mhz) && mhz > maxCurrentMhz)
            {
                maxCurrentMhz = mhz;
            }
        }

        return processorCount > 0;
    }
}
