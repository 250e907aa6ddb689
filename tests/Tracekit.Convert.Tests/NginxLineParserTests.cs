using System.Text;
using Tracekit.Convert.Import;

namespace Tracekit.Convert.Tests;

public sealed class NginxLineParserTests
{
    private const string Traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private const string RequestId = "e8a0090bc8f60c333f5f58307f753d3b";

    [Fact]
    public void TryParse_TracekitLine_MapsEveryField()
    {
        var r = Parse($"1700000000.250 1.125 201 512 1024 4242 {RequestId} \"POST\" \"/api/items?token=secret\" \"{Traceparent}\"", NginxLogFormat.Tracekit);

        Assert.Equal(1_700_000_000_250, r.EndEpochMs);
        Assert.Equal(1_125, r.DurationMs);
        Assert.Equal(1_699_999_999_125, r.StartEpochMs);
        Assert.Equal(201, r.Status);
        Assert.Equal(512, r.BytesIn);
        Assert.Equal(1024, r.BytesOut);
        Assert.Equal(4242, r.Pid);
        Assert.Equal(RequestId, r.RequestId);
        Assert.Equal("POST", r.Method);
        Assert.Equal("/api/items", r.Path);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", r.TraceId);
        Assert.Equal("00f067aa0ba902b7", r.ParentSpanId);
        Assert.False(r.Truncated);
    }

    [Fact]
    public void TryParse_TracekitDashes_AreNull()
    {
        var r = Parse("1700000000.000 0.000 400 0 150 7 - \"-\" \"-\" \"-\"", NginxLogFormat.Tracekit);

        Assert.Null(r.RequestId);
        Assert.Null(r.Method);
        Assert.Null(r.Path);
        Assert.Null(r.TraceId);
        Assert.Null(r.ParentSpanId);
        Assert.Equal(400, r.Status);
    }

    [Fact]
    public void TryParse_TracekitExtraTrailingFields_AreIgnored()
    {
        var r = Parse($"1700000000.000 0.002 200 1 2 3 {RequestId} \"GET\" \"/\" \"-\" \"curl/8\" 0.001", NginxLogFormat.Tracekit);

        Assert.Equal("/", r.Path);
        Assert.Equal(2, r.DurationMs);
    }

    [Theory]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")] // all-zero parent
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")] // all-zero trace
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")] // forbidden version
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x")] // version 00 must be exactly 55 chars
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e473G-00f067aa0ba902b7-01")] // not hex
    [InlineData("garbage")]
    public void TryParse_InvalidTraceparent_IgnoredButLineImported(string header)
    {
        var r = Parse($"1700000000.000 0.000 200 1 2 3 {RequestId} \"GET\" \"/\" \"{header}\"", NginxLogFormat.Tracekit);

        Assert.Null(r.TraceId);
        Assert.Null(r.ParentSpanId);
    }

    [Fact]
    public void TryParse_TraceparentUppercaseAndFutureVersion_AcceptedLowercased()
    {
        var r = Parse($"1700000000.000 0.000 200 1 2 3 {RequestId} \"GET\" \"/\" \"01-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01-future\"", NginxLogFormat.Tracekit);

        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", r.TraceId);
        Assert.Equal("00f067aa0ba902b7", r.ParentSpanId);
    }

    [Fact]
    public void TryParse_EscapedBytes_AreDecodedAsUtf8()
    {
        // nginx's default escaping: '"' as \x22, non-ASCII bytes as \xHH (here "é" = C3 A9).
        var r = Parse($"1700000000.000 0.000 200 1 2 3 {RequestId} \"GET\" \"/caf\\xC3\\xA9/\\x22q\\x22\" \"-\"", NginxLogFormat.Tracekit);

        Assert.Equal("/café/\"q\"", r.Path);
    }

    [Fact]
    public void TryParse_HugePath_IsCutAndFlagged()
    {
        string path = "/" + new string('a', NginxRequest.MaxPathChars + 100);
        var r = Parse($"1700000000.000 0.000 200 1 2 3 {RequestId} \"GET\" \"{path}\" \"-\"", NginxLogFormat.Tracekit);

        Assert.Equal(NginxRequest.MaxPathChars, r.Path!.Length);
        Assert.True(r.Truncated);
    }

    [Theory]
    [InlineData("1700000000.25 0.000 200 1 2 3 - \"GET\" \"/\" \"-\"", 1, "$msec")] // two decimals
    [InlineData("1700000000.250 x 200 1 2 3 - \"GET\" \"/\" \"-\"", 16, "$request_time")]
    [InlineData("1700000000.250 0.001 20 1 2 3 - \"GET\" \"/\" \"-\"", 22, "$status")]
    [InlineData("1700000000.250 0.001 200 -1 2 3 - \"GET\" \"/\" \"-\"", 26, "$request_length")]
    [InlineData("1700000000.250 0.001 200 1 2 0 - \"GET\" \"/\" \"-\"", 30, "$pid")]
    [InlineData("1700000000.250 0.001 200 1 2 3 abc \"GET\" \"/\" \"-\"", 32, "$request_id")]
    [InlineData("1700000000.250 0.001 200 1 2 3 - GET \"/\" \"-\"", 34, "$request_method")]
    [InlineData("1700000000.250 0.001 200 1 2 3 - \"GET\" \"/\" \"-", 46, "closing quote")]
    [InlineData("1700000000.250 0.001 200 1 2 3 - \"GET\" \"/\"", 43, "$http_traceparent")]
    [InlineData("1700000000.250 0.001 200 1 2 3 - \"GET\" \"/\" \"-\"x", 47, "end of the line")]
    [InlineData("0.000 5.000 200 1 2 3 - \"GET\" \"/\" \"-\"", 1, "$request_time not longer")]
    public void TryParse_MalformedTracekit_NamesColumnAndField(string line, int column, string expected)
    {
        bool ok = NginxLineParser.TryParse(Encoding.UTF8.GetBytes(line), NginxLogFormat.Tracekit, out _, out int errorColumn, out string? error);

        Assert.False(ok);
        Assert.Contains(expected, error);
        Assert.Equal(column, errorColumn);
    }

    [Fact]
    public void TryParse_CombinedLine_MapsEveryField()
    {
        var r = Parse("192.0.2.1 - alice [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif?x=1 HTTP/1.0\" 200 2326 \"http://example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"", NginxLogFormat.Combined);

        Assert.Equal(971_211_336_000, r.EndEpochMs);
        Assert.Null(r.DurationMs);
        Assert.Equal(r.EndEpochMs, r.StartEpochMs);
        Assert.Equal("GET", r.Method);
        Assert.Equal("/apache_pb.gif", r.Path);
        Assert.Equal(200, r.Status);
        Assert.Equal(2326, r.BytesOut);
        Assert.Null(r.BytesIn);
        Assert.Null(r.Pid);
        Assert.Null(r.TraceId);
        Assert.Null(r.RequestId);
    }

    [Theory]
    [InlineData("31/Dec/2023:23:59:59 +0100", 1_704_063_599_000)]
    [InlineData("01/Jan/2024:00:00:01 +0100", 1_704_063_601_000)]
    [InlineData("31/Dec/2023:23:59:59 +0000", 1_704_067_199_000)] // one second before a UTC midnight...
    [InlineData("01/Jan/2024:00:00:00 +0000", 1_704_067_200_000)] // ...and at it: the next day, not the same day
    [InlineData("10/Oct/2000:13:55:36 -0700", 971_211_336_000)]
    [InlineData("29/Feb/2024:05:30:00 +0530", 1_709_164_800_000)]
    [InlineData("01/Jan/2024:00:30:00 +1400", 1_704_018_600_000)]
    public void TryParse_CombinedTimeLocal_AppliesItsOwnOffset(string timeLocal, long epochMs)
    {
        var r = Parse($"::1 - - [{timeLocal}] \"GET / HTTP/1.1\" 200 3 \"-\" \"-\"", NginxLogFormat.Combined);

        Assert.Equal(epochMs, r.EndEpochMs);
    }

    [Fact]
    public void TryParse_CombinedRemoteUserWithSpacesAndBracket_StillParses()
    {
        var r = Parse("10.0.0.1 - j doe [x [01/Jan/2024:00:00:00 +0000] \"GET /a HTTP/1.1\" 304 0 \"-\" \"-\"", NginxLogFormat.Combined);

        Assert.Equal(304, r.Status);
        Assert.Equal("/a", r.Path);
    }

    [Theory]
    [InlineData("\\x16\\x03\\x01\\x00\\xA5\\x01")] // a TLS handshake sent to a plain-HTTP port
    [InlineData("-")]
    [InlineData("")]
    public void TryParse_CombinedRequestNotAnHttpRequestLine_ImportedWithoutMethodAndPath(string request)
    {
        var r = Parse($"10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] \"{request}\" 400 157 \"-\" \"-\"", NginxLogFormat.Combined);

        Assert.Equal(400, r.Status);
        Assert.Null(r.Method);
        Assert.Null(r.Path);
    }

    [Theory]
    [InlineData("10.0.0.1 - - [32/Jan/2024:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", "real date")]
    [InlineData("10.0.0.1 - - [29/Feb/2023:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", "real date")]
    [InlineData("10.0.0.1 - - [01/Foo/2024:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", "month")]
    [InlineData("10.0.0.1 - - [01/Jan/2024:24:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", "real date")]
    [InlineData("10.0.0.1 - - [01/Jan/2024:00:00:00 +1500] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", "offset")]
    [InlineData("10.0.0.1 - - [01/Jan/1969:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", "1970")]
    [InlineData("10.0.0.1 - - [01/Jan/2024:00:00:00] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", "$time_local")]
    [InlineData("10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"Mozil", "closing quote")]
    [InlineData("10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\"", "$http_user_agent")]
    [InlineData("10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] \"GET / HTTP/1.1\" 200", "$body_bytes_sent")]
    [InlineData("10.0.0.1 [01/Jan/2024:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", "\" - \"")]
    [InlineData("1700000000.250 0.001 200 1 2 3 - \"GET\" \"/\" \"-\"", "\" - \"")] // a tracekit line
    public void TryParse_MalformedCombined_Rejected(string line, string expected)
    {
        bool ok = NginxLineParser.TryParse(Encoding.UTF8.GetBytes(line), NginxLogFormat.Combined, out _, out int column, out string? error);

        Assert.False(ok);
        Assert.True(column > 0);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void TryParse_CombinedWithAppendedRequestTime_IgnoresTheExtraField()
    {
        var r = Parse("10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\" 0.004", NginxLogFormat.Combined);

        Assert.Null(r.DurationMs);
        Assert.Equal(1_704_067_200_000, r.EndEpochMs);
    }

    [Fact]
    public void TracekitDirective_IsWhatTheParserReads()
    {
        // The documented directive, with each variable replaced by a typical value, must parse.
        string line = NginxLogFormats.TracekitFields
            .Replace("$msec", "1700000000.001").Replace("$request_time", "0.001").Replace("$status", "200")
            .Replace("$request_length", "10").Replace("$bytes_sent", "20").Replace("$pid", "30")
            .Replace("$request_id", RequestId).Replace("$request_method", "GET").Replace("$request_uri", "/x")
            .Replace("$http_traceparent", Traceparent);

        var r = Parse(line, NginxLogFormat.Tracekit);

        Assert.Equal("/x", r.Path);
        Assert.StartsWith("log_format tracekit '", NginxLogFormats.TracekitDirective);
    }

    private static NginxRequest Parse(string line, NginxLogFormat format)
    {
        bool ok = NginxLineParser.TryParse(Encoding.UTF8.GetBytes(line), format, out var request, out int column, out string? error);
        Assert.True(ok, $"column {column}: {error}");
        return request;
    }
}
