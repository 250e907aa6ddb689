using System.IO.Compression;
using System.Text.Json;
using Tracekit.Convert.Cctf;
using Tracekit.Convert.Tests.Support;
using Xunit.Abstractions;
using static Tracekit.Convert.Tests.Support.Jsonl;

namespace Tracekit.Convert.Tests;

/// <summary>The importer against logs a real nginx wrote under wrk load (see <see cref="NginxLiveServer"/>).</summary>
public sealed class NginxLiveTests(NginxLiveServer nginx, ITestOutputHelper output) : IClassFixture<NginxLiveServer>, IDisposable
{
    private readonly TestRun _run = new();

    public void Dispose() => _run.Dispose();

    [SkippableFact]
    public void ImportBothFormats_RealNginxUnderWrk_OneInvocationPerLoggedRequest()
    {
        Skip.If(nginx.SkipReason is not null, nginx.SkipReason);
        string[] tracekitLines = File.ReadAllLines(nginx.TracekitLog);
        string[] combinedLines = File.ReadAllLines(nginx.CombinedLog);
        output.WriteLine($"logged: {tracekitLines.Length} (tracekit), {combinedLines.Length} (combined); wrk: {nginx.WrkRequests?.ToString() ?? "unparsed"} + {nginx.HandMadeRequests} by hand");
        output.WriteLine(nginx.WrkOutput);

        Assert.Equal(0, Import(nginx.TracekitLog, "web-tk", "tracekit"));
        Assert.Equal(0, Import(nginx.CombinedLog, "web-combined", "combined"));
        var (code, console) = CapturingConsole.Run("cctf", "--run-dir", _run.RunDirectory);
        Assert.True(code == 0, console.ErrorText);
        var rows = Read(Path.Combine(_run.OutputDirectory, CctfFiles.Invocations));
        var tk = rows.Where(r => Str(r, "node") == "web-tk").ToList();
        var combined = rows.Where(r => Str(r, "node") == "web-combined").ToList();

        Assert.True(tracekitLines.Length > 1000, $"wrk should have produced thousands of requests, got {tracekitLines.Length} lines");
        Assert.Equal(tracekitLines.Length, combinedLines.Length);
        Assert.Equal(tracekitLines.Length, tk.Count);
        Assert.Equal(combinedLines.Length, combined.Count);
        if (nginx.WrkRequests is long wrkRequests)
        {
            // wrk counts the responses it read before its 2 s ran out; a request already sent on one of its
            // connections at that moment is answered and logged by nginx but not counted by wrk. So the log holds
            // wrk's count plus at most one request per connection.
            long byWrk = tk.Count - nginx.HandMadeRequests;
            Assert.InRange(byWrk, wrkRequests, wrkRequests + NginxLiveServer.WrkConnections);
        }

        // Both logs describe the same requests: the combined time is the tracekit time truncated to the second (nginx
        // prints both from one cached clock), which checks the +0530 $time_local conversion. The two files' line orders
        // can differ (two workers interleave their writes to the two files), so they are compared as multisets.
        static string Key(JsonElement r, long endMs) => $"{endMs} {Long(r, "status")} {Str(r, "method")} {Str(r, "path")}";
        Assert.Equal(
            tk.Select(r => Key(r, Long(r, "ts_end") / 1000 * 1000)).Order(StringComparer.Ordinal),
            combined.Select(r => Key(r, Long(r, "ts_end"))).Order(StringComparer.Ordinal));
        foreach (var row in tk)
        {
            Assert.Contains((int)Long(row, "pid"), nginx.WorkerPids);
            Assert.True(Long(row, "ts_start") <= Long(row, "ts_end"));
        }

        Assert.Contains("+0530]", combinedLines[0]);
        Assert.Equal(tk.Count, tk.Select(r => (Str(r, "trace_id"), Str(r, "span_id"))).Distinct().Count());
        Assert.Equal(combined.Count, combined.Select(r => (Str(r, "trace_id"), Str(r, "span_id"))).Distinct().Count());
        AssertHandMadeRequests(tk);
    }

    [SkippableFact]
    public void Import_RealLogWithMalformedAndTruncatedLines_ReportsThemAndImportsTheRest()
    {
        Skip.If(nginx.SkipReason is not null, nginx.SkipReason);
        var lines = File.ReadAllLines(nginx.TracekitLog).ToList();
        int real = lines.Count;
        lines.Insert(2, "\u0001\u0002 binary junk");                // becomes line 3
        int middle = lines.Count / 2;
        lines.Insert(middle, lines[middle][..30]);                   // a line cut in the middle, then more lines
        int cutAt = middle + 1;                                      // its 1-based line number
        string last = lines[^1];
        lines[^1] = last[..(last.Length / 2)];                        // the last line cut, without a newline
        string path = Path.Combine(_run.Root, "doctored.log");
        File.WriteAllText(path, string.Join('\n', lines));

        var (code, console) = CapturingConsole.Run("import", "nginx", "--log", path, "--run-dir", _run.RunDirectory, "--node-id", "web", "--format", "tracekit");
        var (cctfCode, _) = CapturingConsole.Run("cctf", "--run-dir", _run.RunDirectory);
        int rows = Read(Path.Combine(_run.OutputDirectory, CctfFiles.Invocations)).Count;

        Assert.Equal(0, code);
        Assert.Equal(0, cctfCode);
        Assert.Equal(real - 1, rows); // every real line but the cut last one
        Assert.Contains("warning: malformed line 3: column 1:", console.ErrorText);
        Assert.Contains($"warning: malformed line {cutAt:N0}: column ", console.ErrorText);
        Assert.Contains($"warning: malformed line {lines.Count:N0}: column ", console.ErrorText);
        Assert.Contains("no newline at the end of the file", console.ErrorText);
        Assert.Contains($"3 malformed line(s) of {lines.Count:N0} were skipped", console.ErrorText);
    }

    [SkippableFact]
    public void Import_RealCombinedLogGzipped_SameCountAsPlain()
    {
        Skip.If(nginx.SkipReason is not null, nginx.SkipReason);
        string gz = Path.Combine(_run.Root, "access.log.1");
        using (var file = File.Create(gz))
        using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
        using (var source = File.OpenRead(nginx.CombinedLog))
        {
            source.CopyTo(gzip);
        }

        Assert.Equal(0, Import(gz, "web", "combined"));
        var (cctfCode, _) = CapturingConsole.Run("cctf", "--run-dir", _run.RunDirectory);

        Assert.Equal(0, cctfCode);
        Assert.Equal(File.ReadAllLines(nginx.CombinedLog).Length, Read(Path.Combine(_run.OutputDirectory, CctfFiles.Invocations)).Count);
    }

    private static void AssertHandMadeRequests(List<JsonElement> tk)
    {
        var traced = tk.Single(r => Str(r, "path") == "/traced");
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", Str(traced, "trace_id"));
        Assert.Equal("b7ad6b7169203331", Str(traced, "parent_id"));
        var upload = tk.Single(r => Str(r, "path") == "/upload");
        Assert.Equal("POST", Str(upload, "method"));
        Assert.True(Long(upload, "bytes_in") >= 1000, "$request_length counts the 1,000-byte body");
        Assert.Equal(404, Long(tk.Single(r => Str(r, "path") == "/missing"), "status"));
        Assert.Single(tk, r => Str(r, "path") == "/caf%C3%A9/%22quoted%22");
    }

    private int Import(string log, string node, string format)
    {
        var (code, console) = CapturingConsole.Run("import", "nginx", "--log", log, "--run-dir", _run.RunDirectory, "--node-id", node, "--format", format);
        output.WriteLine(console.OutText + console.ErrorText);
        return code;
    }
}
