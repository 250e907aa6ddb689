namespace Tracekit.Procfs;

/// <summary>/proc/PID/statm: "size resident shared text lib data dt", all in pages.</summary>
public static class StatmParser
{
    public static bool TryParseResidentPages(ReadOnlySpan<byte> content, out long residentPages)
    {
        residentPages = 0;
        ReadOnlySpan<byte> rest = content;
        return AsciiScan.TrySkipTokens(ref rest, 1) && AsciiScan.TryTakeInt64(ref rest, out residentPages) && residentPages >= 0;
    }
}
