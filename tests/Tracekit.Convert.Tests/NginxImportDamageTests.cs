using Tracekit.Convert.Cli;
using static Tracekit.Convert.Tests.NginxTestLogs;
using static Tracekit.Convert.Tests.Support.Jsonl;

namespace Tracekit.Convert.Tests;

/// <summary>`import nginx` on bad input: malformed, cut and damaged logs, wrong arguments.</summary>
public sealed class NginxImportDamageTests : NginxImportTestBase
{
    [Fact]
    public void Import_MalformedAndTruncatedLines_ReportedWithLineNumbersRestImported()
    {
        string log = Write(Run.Root, "access.log",
        [
            TkLine(T0 + 10, 1, 1),
            "garbage that is not a log line",
            TkLine(T0 + 20, 1, 2),
            "",
            TkLine(T0 + 30, 1, 3)[..40], // cut in the middle, then nginx went on writing
            TkLine(T0 + 40, 1, 4),
            TkLine(T0 + 50, 1, 5)[..60], // the last line, cut: no newline at the end of the file
        ], finalNewline: false);

        var (code, console) = Import(log, "web", "tracekit");

        Assert.Equal(0, code);
        Assert.Contains("Imported 3 requests", console.OutText);
        Assert.Contains("warning: malformed line 2: column 1: expected $msec", console.ErrorText);
        Assert.Contains("warning: malformed line 4: empty line", console.ErrorText);
        Assert.Contains("warning: malformed line 5: column ", console.ErrorText);
        Assert.Contains("warning: malformed line 7: column ", console.ErrorText);
        Assert.Contains("no newline at the end of the file", console.ErrorText);
        Assert.Contains("4 malformed line(s) of 7 were skipped", console.ErrorText);
        Assert.Equal([T0 + 10, T0 + 20, T0 + 40], Convert().Select(r => Long(r, "ts_end")));
    }

    [Fact]
    public void Import_CompleteLastLineWithoutNewline_ImportedWithWarning()
    {
        string log = Write(Run.Root, "access.log", [CombinedLine("01/Jan/2024:00:00:00 +0000"), CombinedLine("01/Jan/2024:00:00:01 +0000")], finalNewline: false);

        var (code, console) = Import(log, "web");

        Assert.Equal(0, code);
        Assert.Contains("line 2, the last, has no newline", console.ErrorText);
        Assert.Equal(2, Convert().Count);
    }

    [Fact]
    public void Import_ManyMalformedLines_FirstTwentyListedAllCounted()
    {
        var lines = Enumerable.Range(0, 30).Select(i => $"junk {i}").Append(CombinedLine("01/Jan/2024:00:00:00 +0000"));
        string log = Write(Run.Root, "access.log", lines);

        var (code, console) = Import(log, "web");

        Assert.Equal(0, code);
        Assert.Contains("malformed line 20:", console.ErrorText);
        Assert.DoesNotContain("malformed line 21:", console.ErrorText);
        Assert.Contains("30 malformed line(s) of 31 were skipped (10 not listed)", console.ErrorText);
    }

    [Fact]
    public void Import_OnlyGarbageInWrongFormat_FailsWithHintAndLeavesNothing()
    {
        string log = Write(Run.Root, "access.log", [CombinedLine("01/Jan/2024:00:00:00 +0000"), CombinedLine("01/Jan/2024:00:00:01 +0000")]);

        var (code, console) = Import(log, "web", "tracekit");

        Assert.Equal((int)ReturnCode.ArgumentError, code);
        Assert.Contains("none of the 2 lines", console.ErrorText);
        Assert.Contains("line 1: column 1: expected $msec", console.ErrorText);
        Assert.Contains("try --format combined", console.ErrorText);
        Assert.DoesNotContain("   at ", console.ErrorText);
        Assert.False(Directory.Exists(Path.Combine(Run.RunDirectory, "web")), "the node folder this import created was left behind");
    }

    [Fact]
    public void Import_EmptyFile_FailsPlainly()
    {
        string log = Write(Run.Root, "access.log", [], finalNewline: false);

        var (code, console) = Import(log, "web");

        Assert.Equal((int)ReturnCode.ArgumentError, code);
        Assert.Contains("holds no lines", console.ErrorText);
    }

    [Fact]
    public void Import_CutGzip_ImportsWhatCouldBeReadAndWarns()
    {
        var lines = Enumerable.Range(0, 20_000).Select(i => TkLine(T0 + i, 1, i)).ToArray();
        string whole = WriteGzip(Run.Root, "whole.log.gz", lines);
        byte[] bytes = File.ReadAllBytes(whole);
        string cut = Path.Combine(Run.Root, "cut.log.gz");
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);

        var (code, console) = Import(cut, "web", "tracekit");
        int imported = Convert().Count;

        Assert.Equal(0, code);
        Assert.InRange(imported, 1, lines.Length - 1);
        Assert.Contains("no newline at the end of the file", console.ErrorText);
        Assert.Contains("the file ends before its gzip stream does", console.ErrorText);
        Assert.Contains("import the complete file", console.ErrorText);
        Assert.DoesNotContain("trailer", console.ErrorText);
    }

    [Fact]
    public void Import_ConcatenatedGzipMembers_EveryMemberRead()
    {
        string first = WriteGzip(Run.Root, "1.gz", [TkLine(T0, 1, 1), TkLine(T0 + 1, 1, 2)]);
        string second = WriteGzip(Run.Root, "2.gz", [TkLine(T0 + 2, 1, 3)]);
        string both = Path.Combine(Run.Root, "both.log");
        File.WriteAllBytes(both, [.. File.ReadAllBytes(first), .. File.ReadAllBytes(second)]);

        var (code, console) = Import(both, "web", "tracekit");

        Assert.Equal(0, code);
        Assert.Equal(3, Convert().Count);
        Assert.Contains("gzip files joined end to end also read this way", console.ErrorText); // ISIZE covers the last member only
    }

    [Fact]
    public void Import_LongPathAndLongLine_PathCutLineSkipped()
    {
        string log = Write(Run.Root, "access.log",
        [
            TkLine(T0, 1, 1, path: "/" + new string('p', 10_000)),
            TkLine(T0, 1, 2, path: "/" + new string('q', 300_000)),
        ]);

        var (code, console) = Import(log, "web", "tracekit");
        var row = Assert.Single(Convert());

        Assert.Equal(0, code);
        Assert.Equal(4096, Str(row, "path")!.Length);
        Assert.Contains("malformed line 2: longer than 262,144 bytes", console.ErrorText);
        Assert.Contains("1 request(s) had a method or path longer than the limit", console.ErrorText);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData(".hidden")]
    [InlineData("")]
    public void Import_BadNodeId_ArgumentError(string nodeId)
    {
        string log = Write(Run.Root, "access.log", [CombinedLine("01/Jan/2024:00:00:00 +0000")]);

        var (code, console) = Import(log, nodeId);

        Assert.Equal((int)ReturnCode.ArgumentError, code);
        Assert.Contains("--node-id", console.ErrorText);
    }

    [Fact]
    public void Import_MissingLogOrUnknownFormat_ArgumentError()
    {
        var (missing, missingConsole) = Import(Path.Combine(Run.Root, "nope.log"), "web");
        var (format, formatConsole) = Import(Write(Run.Root, "a.log", ["x"]), "web", "json");

        Assert.Equal((int)ReturnCode.ArgumentError, missing);
        Assert.Contains("does not exist", missingConsole.ErrorText);
        Assert.Equal((int)ReturnCode.ArgumentError, format);
        Assert.Contains("json", formatConsole.ErrorText);
    }
}
