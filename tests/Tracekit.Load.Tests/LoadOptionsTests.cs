namespace Tracekit.Load.Tests;

public sealed class LoadOptionsTests
{
    [Theory]
    [InlineData("ftp://127.0.0.1/", 10.0, 1_000_000_000L, 1)]
    [InlineData("http://user:pw@127.0.0.1/", 10.0, 1_000_000_000L, 1)]
    [InlineData("http://127.0.0.1/", 0.0, 1_000_000_000L, 1)]
    [InlineData("http://127.0.0.1/", double.NaN, 1_000_000_000L, 1)]
    [InlineData("http://127.0.0.1/", 1_000_001.0, 1_000_000_000L, 1)]
    [InlineData("http://127.0.0.1/", 10.0, 0L, 1)]
    [InlineData("http://127.0.0.1/", 10.0, 1_000_000_000L, 0)]
    [InlineData("http://127.0.0.1/", 10.0, 1_000_000_000L, 100_001)]
    public void Validate_BadValue_Throws(string url, double rate, long durationNs, int connections)
    {
        var o = new LoadOptions { Urls = [new Uri(url)], RatePerSecond = rate, DurationNs = durationNs, Connections = connections };
        Assert.Throws<ArgumentException>(o.Validate);
    }

    [Fact]
    public void Validate_NoUrlOrNoInFlight_Throws()
    {
        Assert.Throws<ArgumentException>(new LoadOptions { Urls = [], RatePerSecond = 1, DurationNs = 1 }.Validate);
        Assert.Throws<ArgumentException>(new LoadOptions { Urls = [new Uri("http://127.0.0.1/")], RatePerSecond = 1, DurationNs = 1, MaxInFlight = 0 }.Validate);
    }

    [Fact]
    public void Validate_GoodValues_DoesNotThrow()
    {
        var o = new LoadOptions { Urls = [new Uri("http://127.0.0.1:8080/a"), new Uri("https://example.invalid/b")], RatePerSecond = 0.5, DurationNs = 1 };
        o.Validate();
        Assert.Equal(64, o.Connections);
    }

    [Fact]
    public void AchievedRatePerSecond_CompletedOverElapsed()
    {
        var report = new LoadReport(10, 10, 0, 8, 2, 2_000_000_000, new Dictionary<int, long>(), 0, 0, 0, 0, 0, 0);
        Assert.Equal(4.0, report.AchievedRatePerSecond);
        Assert.Equal(0.0, (report with { ElapsedNs = 0 }).AchievedRatePerSecond);
    }
}
