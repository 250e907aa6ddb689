namespace Tracekit.Opendc.Tests;

public sealed class FragmentMergerTests
{
    [Fact]
    public void Merge_RandomTraces_ConservesWorkAndDurationPerTask()
    {
        var random = new Random(20_240_601);
        for (int trial = 0; trial < 200; trial++)
        {
            var input = RandomTrace(random, tasks: 1 + random.Next(4), length: 1 + random.Next(300));
            double threshold = random.Next(3) switch { 0 => 0.1, 1 => 5, _ => 500 };
            var output = FragmentMerger.Merge(input, threshold).ToList();

            foreach (var task in input.Select(f => f.TaskId).Distinct())
            {
                var before = input.Where(f => f.TaskId == task).ToList();
                var after = output.Where(f => f.TaskId == task).ToList();
                Assert.Equal(before.Sum(f => f.DurationMs), after.Sum(f => f.DurationMs));
                double workBefore = before.Sum(f => f.CpuUsageMhz * f.DurationMs);
                double workAfter = after.Sum(f => f.CpuUsageMhz * f.DurationMs);
                Assert.True(Math.Abs(workBefore - workAfter) <= 1e-12 * Math.Max(1, workBefore), $"{workBefore} vs {workAfter}");
            }

            Assert.True(output.Count <= input.Count);
        }
    }

    [Fact]
    public void Merge_EveryInput_WithinThresholdOfItsMergedValue()
    {
        var random = new Random(7);
        var input = RandomTrace(random, tasks: 3, length: 2000);
        const double Threshold = 40;
        var output = FragmentMerger.Merge(input, Threshold).ToList();

        // Replay: each output fragment covers consecutive inputs of the same task whose durations add up to it.
        int next = 0;
        foreach (var merged in output)
        {
            long covered = 0;
            while (covered < merged.DurationMs)
            {
                var original = input[next++];
                Assert.Equal(merged.TaskId, original.TaskId);
                Assert.True(Math.Abs(original.CpuUsageMhz - merged.CpuUsageMhz) < Threshold);
                covered += original.DurationMs;
            }

            Assert.Equal(merged.DurationMs, covered);
        }

        Assert.Equal(input.Count, next);
    }

    [Fact]
    public void Merge_WithinThreshold_OneFragmentWithWeightedMean()
    {
        OpendcFragment[] input = [new(1, 1000, 100), new(1, 3000, 100.08)];

        var merged = Assert.Single(FragmentMerger.Merge(input, 0.1));

        Assert.Equal(4000, merged.DurationMs);
        Assert.Equal((100 * 1000 + 100.08 * 3000) / 4000, merged.CpuUsageMhz, 12);
    }

    [Fact]
    public void Merge_BandReachesThreshold_StartsNewFragment()
    {
        OpendcFragment[] input = [new(1, 300, 100), new(1, 300, 100.05), new(1, 300, 100.15)];

        var output = FragmentMerger.Merge(input, 0.1).ToList();

        Assert.Equal([600L, 300L], output.Select(f => f.DurationMs));
        Assert.Equal(100.15, output[1].CpuUsageMhz);
    }

    [Fact]
    public void Merge_SlowRamp_DoesNotDriftIntoOneFragment()
    {
        // Steps of 1/16 MHz are exact in binary, so the band arithmetic has no rounding to blur the test.
        var ramp = Enumerable.Range(0, 100).Select(i => new OpendcFragment(1, 100, i * 0.0625)).ToList();

        var output = FragmentMerger.Merge(ramp, 0.125).ToList();

        // Neighbours differ by only half the threshold, but the band rule cuts after every two samples.
        Assert.Equal(50, output.Count);
    }

    [Fact]
    public void Merge_DifferentTasks_NeverMerged()
    {
        OpendcFragment[] input = [new(1, 100, 50), new(2, 100, 50), new(1, 100, 50)];

        Assert.Equal(input, FragmentMerger.Merge(input, 1000));
    }

    [Fact]
    public void Merge_ThresholdZero_KeepsEveryFragment()
    {
        OpendcFragment[] input = [new(1, 100, 50), new(1, 100, 50)];

        Assert.Equal(input, FragmentMerger.Merge(input, 0));
    }

    [Fact]
    public void Merge_EqualUsages_KeepsExactValue()
    {
        var input = Enumerable.Repeat(new OpendcFragment(1, 7, 0.1 + 0.2), 1000).ToList();

        var merged = Assert.Single(FragmentMerger.Merge(input, 0.1));

        Assert.Equal(0.1 + 0.2, merged.CpuUsageMhz);
        Assert.Equal(7000, merged.DurationMs);
    }

    [Fact]
    public void Push_ThenFlush_EmitsRunsInOrder()
    {
        var merger = new FragmentMerger(1);

        Assert.False(merger.Push(new OpendcFragment(1, 10, 5), out _));
        Assert.False(merger.Push(new OpendcFragment(1, 10, 5.5), out _));
        Assert.True(merger.Push(new OpendcFragment(1, 10, 9), out var first));
        Assert.True(merger.Flush(out var second));
        Assert.False(merger.Flush(out _));

        Assert.Equal(new OpendcFragment(1, 20, 5.25), first);
        Assert.Equal(new OpendcFragment(1, 10, 9), second);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_InvalidThreshold_Throws(double threshold)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FragmentMerger(threshold));
    }

    [Fact]
    public void Push_ZeroDuration_Throws()
    {
        var merger = new FragmentMerger(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => merger.Push(new OpendcFragment(1, 0, 1), out _));
    }

    [Fact]
    public void PushTo_Writer_OutputPassesStrictValidation()
    {
        using var workload = TestWorkload.Valid();
        var input = new List<OpendcFragment>
        {
            new(1, 1000, 500), new(1, 1000, 500.01), new(1, 1000, 700),
            new(2, 3000, 1000), new(3, 500, 0), new(3, 500, 0),
        };
        using (var writer = new FragmentsParquetWriter(workload.FragmentsPath))
        {
            var merger = new FragmentMerger(0.1);
            foreach (var fragment in input)
            {
                merger.PushTo(fragment, writer);
            }

            merger.FlushTo(writer);
            Assert.Equal(4, writer.Count);
        }

        Assert.Empty(workload.Validate(strict: true).Findings);
    }

    private static List<OpendcFragment> RandomTrace(Random random, int tasks, int length)
    {
        var trace = new List<OpendcFragment>(length);
        double usage = 1000;
        int task = 1;
        for (int i = 0; i < length; i++)
        {
            if (random.Next(50) == 0)
            {
                task = 1 + random.Next(tasks);
            }

            // Mostly flat with small jitter (what merging is for), sometimes a jump, sometimes idle.
            usage = random.Next(10) switch
            {
                0 => random.NextDouble() * 5000,
                1 => 0,
                _ => Math.Max(0, usage + ((random.NextDouble() - 0.5) * 0.2)),
            };
            trace.Add(new OpendcFragment(task, 1 + random.Next(300_000), usage));
        }

        return trace;
    }
}
