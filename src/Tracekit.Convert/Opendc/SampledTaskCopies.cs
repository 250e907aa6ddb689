namespace Tracekit.Convert.Opendc;

/// <summary>
/// How many tasks an invocation recorded at a sample ratio below 1 becomes (`--sampled-tasks`, docs/opendc.md): one
/// as sampled, round(1 / ratio) when scaled. One counter per node for batch invocations and requests alike, for the
/// conversion report.
/// </summary>
internal sealed class SampledTaskCopies(bool scale)
{
    /// <summary>Tasks made from sampled invocations, before any scaling.</summary>
    public long SampledTasks { get; private set; }

    /// <summary>Tasks added by scaling (beyond the sampled tasks themselves).</summary>
    public long ScaledCopies { get; private set; }

    public int For(double sampleRatio)
    {
        if (!(sampleRatio < 1)) return 1;
        SampledTasks++;
        int copies = scale ? Math.Max(1, (int)Math.Round(1 / sampleRatio)) : 1;
        ScaledCopies += copies - 1;
        return copies;
    }
}
