namespace Tracekit.Ring.Tests;

/// <summary>Segment file names (docs/ring-format.md, section 1): the one place that spells them.</summary>
public sealed class RingSegmentFilesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tk-segnames-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void SegmentFileName_SmallAndLargeIndexes_SixDigitsAtLeast()
    {
        Assert.Equal("ring-000000.tkr", RingSegmentFiles.SegmentFileName(0));
        Assert.Equal("ring-000042.tkr", RingSegmentFiles.SegmentFileName(42));
        Assert.Equal("ring-1000000.tkr", RingSegmentFiles.SegmentFileName(1_000_000));
    }

    [Theory]
    [InlineData("ring-000007.tkr", 7)]
    [InlineData("ring-1000000.tkr", 1_000_000)]
    public void TryParseIndex_SegmentName_Index(string name, int expected)
    {
        Assert.True(RingSegmentFiles.TryParseIndex(name, out int index));
        Assert.Equal(expected, index);
    }

    [Theory]
    [InlineData("ring-12.tkr")]
    [InlineData("ring-00000a.tkr")]
    [InlineData("ring-000001.tkr.tmp")]
    [InlineData(".ring-000001.tkr.123.abc.tmp")]
    [InlineData("meta.json")]
    [InlineData("ring--00001.tkr")]
    public void TryParseIndex_OtherName_False(string name) => Assert.False(RingSegmentFiles.TryParseIndex(name, out _));

    [Fact]
    public void Find_MixedFolder_SegmentsByIndexAndNothingElse()
    {
        foreach (string name in new[] { "ring-1000000.tkr", "ring-999999.tkr", "ring-000000.tkr", "meta.json", ".ring-000001.tkr.9.x.tmp", "ring-x.tkr" })
            File.WriteAllText(Path.Combine(_directory, name), "");

        var found = RingSegmentFiles.Find(_directory).Select(Path.GetFileName);

        Assert.Equal(["ring-000000.tkr", "ring-999999.tkr", "ring-1000000.tkr"], found);
    }
}
