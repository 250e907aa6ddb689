namespace Tracekit.Convert;

/// <summary>Exit codes of every `tracekit-convert` command (docs/cctf.md, "Exit codes").</summary>
/// <remarks>0 to 4 mean what they mean for `tracekit` (docs/cli.md), so scripts can share one table.</remarks>
public enum ReturnCode
{
    Ok = 0,

    /// <summary>A bug: the message says what failed.</summary>
    UnknownError = 1,

    /// <summary>A bad flag or value; the message names it.</summary>
    ArgumentError = 2,

    /// <summary>The output could not be written: permissions, a full disk.</summary>
    OutputError = 3,

    /// <summary>The run folder does not exist.</summary>
    RunNotFound = 4,

    /// <summary>The run folder holds no node folder with a ring segment.</summary>
    EmptyRun = 5,

    /// <summary>Corruption in the middle of a ring (not a torn tail) and no <c>--salvage</c>.</summary>
    CorruptRing = 6,

    /// <summary>`validate-opendc` found at least one error.</summary>
    ValidationFailed = 7,

    /// <summary>A cluster run's membership (cluster.json) names a node whose folder is missing, and no <c>--salvage</c>.</summary>
    MissingNode = 11,
}
