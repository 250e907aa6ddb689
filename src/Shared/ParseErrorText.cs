using System.Text.RegularExpressions;

namespace Tracekit.Cli;

/// <summary>
/// Rewrites System.CommandLine's parse errors that name a .NET type ("as expected type 'System.Int32'") into a
/// sentence a user can act on: the option, the value, what it must be. Compiled into both binaries (a linked file):
/// each prints its own parse errors.
/// </summary>
internal static partial class ParseErrorText
{
    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']*)' as expected type '(?<type>[^']*)'\.?$", RegexOptions.CultureInvariant)]
    private static partial Regex CannotParse();

    public static string Describe(string message)
    {
        var m = CannotParse().Match(message);
        if (!m.Success) return message;
        string type = m.Groups["type"].Value;
        string what = type.Contains("Double", StringComparison.Ordinal) || type.Contains("Single", StringComparison.Ordinal)
            ? "a number (for example 0.5)"
            : "a whole number (for example 42)";
        return $"{m.Groups["option"].Value} '{m.Groups["value"].Value}' is not {what}: correct it and run again (--help gives each option's unit).";
    }
}
