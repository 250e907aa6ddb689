namespace Tracekit.Opendc.Validation;

internal enum JsonKind
{
    String,
    Integer,
    Number,
    Boolean,

    /// <summary>A bare number in MHz (OpenDC's Frequency), or a unit string Tracekit does not parse.</summary>
    Frequency,

    /// <summary>A bare number in MiB (OpenDC's DataSize).</summary>
    DataSize,

    /// <summary>A bare number in W (OpenDC's Power).</summary>
    Power,
    Object,
    ObjectArray,
}

/// <param name="Nullable">True where OpenDC's spec type is nullable (gpu, battery, carbonTracePath, percentageOverhead).</param>
internal sealed record JsonField(string Name, JsonKind Kind, bool Required = false, JsonObjectSpec? Child = null, bool Nullable = false);

internal sealed record JsonObjectSpec(string Name, JsonField[] Fields);

/// <summary>
/// The keys OpenDC's topology reader (kotlinx.serialization, unknown keys rejected) accepts: TopologySpec,
/// ClusterJSONSpec, HostJSONSpec, CPUJSONSpec, MemoryJSONSpec, GPUJSONSpec, PowerModelSpec, PowerSourceJSONSpec,
/// BatteryJSONSpec and the polymorphic policy specs (discriminator "type").
/// </summary>
internal static class TopologySchema
{
    public static readonly IReadOnlySet<string> ModelTypes =
        new HashSet<string>(StringComparer.Ordinal) { "constant", "linear", "square", "cubic", "sqrt", "mse", "asymptotic" };

    private static readonly JsonField[] Descriptive =
    [
        new("modelName", JsonKind.String), new("vendor", JsonKind.String), new("arch", JsonKind.String),
    ];

    public static readonly JsonObjectSpec PowerModel = new("cpuPowerModel",
    [
        new("modelType", JsonKind.String, Required: true),
        new("power", JsonKind.Power),
        new("maxPower", JsonKind.Power, Required: true),
        new("idlePower", JsonKind.Power, Required: true),
        new("calibrationFactor", JsonKind.Number),
        new("asymUtil", JsonKind.Number),
        new("dvfs", JsonKind.Boolean),
    ]);

    public static readonly JsonObjectSpec Cpu = new("cpu",
    [
        .. Descriptive,
        new("count", JsonKind.Integer),
        new("coreCount", JsonKind.Integer, Required: true),
        new("coreSpeed", JsonKind.Frequency, Required: true),
    ]);

    public static readonly JsonObjectSpec Memory = new("memory",
    [
        .. Descriptive,
        new("memorySize", JsonKind.DataSize, Required: true),
        new("memorySpeed", JsonKind.Frequency),
    ]);

    private static readonly JsonObjectSpec Policy = new("distributionPolicy",
    [
        new("type", JsonKind.String, Required: true),
        new("updateIntervalLength", JsonKind.Integer),
        new("shareRatio", JsonKind.Number),
    ]);

    private static readonly JsonObjectSpec Gpu = new("gpu",
    [
        new("count", JsonKind.Integer),
        new("coreCount", JsonKind.Integer, Required: true),
        new("coreSpeed", JsonKind.Frequency, Required: true),
        new("memorySize", JsonKind.DataSize),
        new("memoryBandwidth", JsonKind.Number),
        new("vendor", JsonKind.String),
        new("modelName", JsonKind.String),
        new("architecture", JsonKind.String),
        new("virtualizationOverHeadModel", JsonKind.Object, Child: new("virtualizationOverHeadModel",
        [
            new("type", JsonKind.String, Required: true),
            new("percentageOverhead", JsonKind.Number, Nullable: true),
        ])),
    ]);

    private static readonly JsonObjectSpec Battery = new("battery",
    [
        new("name", JsonKind.String),
        new("capacity", JsonKind.Number, Required: true),
        new("chargingSpeed", JsonKind.Number, Required: true),
        new("initialCharge", JsonKind.Number),
        new("batteryPolicy", JsonKind.Object, Required: true, Child: new("batteryPolicy",
        [
            new("type", JsonKind.String, Required: true),
            new("carbonThreshold", JsonKind.Number),
            new("lowerThreshold", JsonKind.Number),
            new("upperThreshold", JsonKind.Number),
            new("startingThreshold", JsonKind.Number),
            new("windowSize", JsonKind.Integer),
        ])),
        new("embodiedCarbon", JsonKind.Number),
        new("expectedLifetime", JsonKind.Number),
    ]);

    public static readonly JsonObjectSpec Host = new("host",
    [
        new("name", JsonKind.String),
        new("cpu", JsonKind.Object, Required: true, Child: Cpu),
        new("count", JsonKind.Integer),
        new("memory", JsonKind.Object, Required: true, Child: Memory),
        new("gpu", JsonKind.Object, Child: Gpu, Nullable: true),
        new("cpuPowerModel", JsonKind.Object, Child: PowerModel),
        new("gpuPowerModel", JsonKind.Object, Child: PowerModel),
        new("cpuDistributionPolicy", JsonKind.Object, Child: Policy),
        new("gpuDistributionPolicy", JsonKind.Object, Child: Policy),
    ]);

    public static readonly JsonObjectSpec Cluster = new("cluster",
    [
        new("name", JsonKind.String),
        new("count", JsonKind.Integer),
        new("hosts", JsonKind.ObjectArray, Required: true, Child: Host),
        new("powerSource", JsonKind.Object, Child: new("powerSource",
        [
            new("name", JsonKind.String),
            new("maxPower", JsonKind.Number),
            new("carbonTracePath", JsonKind.String, Nullable: true),
        ])),
        new("battery", JsonKind.Object, Child: Battery, Nullable: true),
    ]);

    public static readonly JsonObjectSpec Root = new("topology",
    [
        new("clusters", JsonKind.ObjectArray, Required: true, Child: Cluster),
    ]);
}
