namespace Tracekit.Format;

/// <summary>The record format version (docs/ring-format.md, section 4).</summary>
public static class FormatVersion
{
    /// <summary>
    /// Version 1 defines kinds 1–16. A later minor version may append fields to a kind or add kinds; neither
    /// changes this number, because readers skip extra fields and unknown kinds.
    /// </summary>
    public const int Current = 1;
}
