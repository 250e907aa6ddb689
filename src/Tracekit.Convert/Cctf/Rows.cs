using Tracekit.Convert.Output;
using Tracekit.Convert.Reading;

namespace Tracekit.Convert.Cctf;

/// <summary>Row prefixes shared by several files.</summary>
internal static class Rows
{
    /// <summary>Starts a row with <c>ts_ms, node, stage</c>, the prefix of every node-scoped time series.</summary>
    public static JsonRow BeginTimed(JsonlFile file, StreamCursor record)
    {
        var row = file.Row();
        row.Number(CctfNames.TsMs, record.EpochMs);
        row.Raw(record.Stream.NodeAndStage);
        return row;
    }

    /// <summary>Rates and percentages carry more digits than their inputs mean; 3 decimals keep the files small.</summary>
    public static double Round3(double value) => Math.Round(value, 3, MidpointRounding.AwayFromZero);
}
