using System.Text.Encodings.Web;

namespace Tracekit.Convert.Output;

/// <summary>The one JSON encoder of every output file.</summary>
public static class JsonText
{
    /// <summary>
    /// Escapes what JSON requires (quotes, backslashes, control characters) but not HTML-sensitive characters
    /// or non-ASCII letters: the files are data for scripts, never embedded in a web page, and
    /// <c>"cpu_model": "Intel(R) \"Xeon\""</c> should read as such, not as <c>\u0022</c> escapes.
    /// </summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
}
