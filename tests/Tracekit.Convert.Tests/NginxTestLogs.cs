using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Tracekit.Convert.Tests;

/// <summary>Access log lines as nginx writes them, for the importer tests.</summary>
internal static class NginxTestLogs
{
    public const string Traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    /// <summary>A tracekit-format line; <paramref name="index"/> makes the request id unique.</summary>
    public static string TkLine(long endEpochMs, long durationMs, int index, int status = 200, string path = "/", string traceparent = "-") =>
        string.Create(CultureInfo.InvariantCulture,
            $"{endEpochMs / 1000}.{endEpochMs % 1000:D3} {durationMs / 1000}.{durationMs % 1000:D3} {status} {100 + index} {200 + index} 4242 {RequestId(index)} \"GET\" \"{path}\" \"{traceparent}\"");

    public static string RequestId(int index) => index.ToString("x32", CultureInfo.InvariantCulture);

    public static string CombinedLine(string timeLocal, string request = "GET / HTTP/1.1", int status = 200, long bytes = 3) =>
        $"127.0.0.1 - - [{timeLocal}] \"{request}\" {status} {bytes} \"-\" \"curl/8.0\"";

    public static string Write(string directory, string name, IEnumerable<string> lines, bool finalNewline = true)
    {
        string path = Path.Combine(directory, name);
        string text = string.Join('\n', lines) + (finalNewline ? "\n" : "");
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(text));
        return path;
    }

    public static string WriteGzip(string directory, string name, IEnumerable<string> lines)
    {
        string path = Path.Combine(directory, name);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        return path;
    }
}
