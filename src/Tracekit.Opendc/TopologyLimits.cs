namespace Tracekit.Opendc;

/// <summary>
/// Plausibility bounds that tell a unit mistake from a real machine. OpenDC reads bare numbers as MHz, MiB and W
/// and cannot tell; these bounds are shared by <see cref="TopologyWriter"/> and the validator so that Tracekit
/// never writes what it would reject.
/// </summary>
public static class TopologyLimits
{
    /// <summary>2^24 MiB = 16 TiB per host: above it the number is almost surely bytes or KiB.</summary>
    public const long MaxMemoryMiB = 1L << 24;

    /// <summary>Below 100 MHz a core speed is almost surely written in GHz (e.g. 2.4).</summary>
    public const double MinCoreSpeedMhz = 100;

    /// <summary>Above 20 GHz a core speed is almost surely written in kHz or Hz.</summary>
    public const double MaxCoreSpeedMhz = 20_000;

    /// <summary>Above 100 kW per host a power figure is almost surely written in mW.</summary>
    public const double MaxPowerW = 100_000;
}
