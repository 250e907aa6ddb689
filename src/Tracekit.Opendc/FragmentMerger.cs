namespace Tracekit.Opendc;

/// <summary>
/// Merges adjacent fragments of one task while their usage stays within a band narrower than a threshold, the way
/// OpenDC's Bitbrains/Azure converters shrank their traces (they used 0.1 MHz).
/// <para>Rule: a fragment joins the current run iff it has the same task id and, with it, the run's
/// max(cpu_usage) - min(cpu_usage) is still &lt; <see cref="ThresholdMhz"/>. Comparing the whole band (not each
/// fragment with its neighbour) stops a slow ramp from drifting into one long flat fragment: every input fragment
/// differs from the merged value by less than the threshold. A threshold of 0 disables merging.</para>
/// <para>The merged fragment's duration is the sum of the run's durations, and its cpu_usage is the
/// duration-weighted mean Σ(usage×duration)/Σduration, so Σ usage×duration (MHz·ms, i.e. CPU work) is conserved
/// up to double rounding (a few ulps). A run whose usages are all equal keeps that exact value.</para>
/// Push-based and allocation-free: call <see cref="Push"/> per input fragment and <see cref="Flush"/> at the end.
/// </summary>
public sealed class FragmentMerger
{
    private bool _hasRun;
    private int _taskId;
    private long _durationMs;
    private double _workMhzMs;
    private double _minMhz;
    private double _maxMhz;

    public FragmentMerger(double thresholdMhz)
    {
        if (!double.IsFinite(thresholdMhz) || thresholdMhz < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(thresholdMhz), thresholdMhz, "threshold must be finite and >= 0 MHz");
        }

        ThresholdMhz = thresholdMhz;
    }

    public double ThresholdMhz { get; }

    /// <summary>
    /// Adds the next fragment in playback order. Returns true, with the finished run in <paramref name="merged"/>,
    /// when <paramref name="fragment"/> cannot join the current run and so starts a new one.
    /// </summary>
    public bool Push(in OpendcFragment fragment, out OpendcFragment merged)
    {
        if (fragment.DurationMs <= 0 || !double.IsFinite(fragment.CpuUsageMhz))
        {
            ThrowInvalid(fragment);
        }

        if (_hasRun && fragment.TaskId == _taskId)
        {
            double min = Math.Min(_minMhz, fragment.CpuUsageMhz);
            double max = Math.Max(_maxMhz, fragment.CpuUsageMhz);
            if (max - min < ThresholdMhz)
            {
                _minMhz = min;
                _maxMhz = max;
                _durationMs = checked(_durationMs + fragment.DurationMs);
                _workMhzMs += fragment.CpuUsageMhz * fragment.DurationMs;
                merged = default;
                return false;
            }
        }

        bool emitted = Flush(out merged);
        Start(fragment);
        return emitted;
    }

    /// <summary>Emits the pending run, if any, and leaves the merger empty.</summary>
    public bool Flush(out OpendcFragment merged)
    {
        if (!_hasRun)
        {
            merged = default;
            return false;
        }

        // Equal usages keep their exact value; otherwise the weighted mean conserves Σ usage×duration.
        double usage = _minMhz == _maxMhz ? _minMhz : _workMhzMs / _durationMs;
        merged = new OpendcFragment(_taskId, _durationMs, usage);
        _hasRun = false;
        return true;
    }

    /// <summary>Merges a whole sequence (convenience over <see cref="Push"/>/<see cref="Flush"/>).</summary>
    public static IEnumerable<OpendcFragment> Merge(IEnumerable<OpendcFragment> fragments, double thresholdMhz)
    {
        ArgumentNullException.ThrowIfNull(fragments);
        var merger = new FragmentMerger(thresholdMhz);
        foreach (var fragment in fragments)
        {
            if (merger.Push(fragment, out var merged))
            {
                yield return merged;
            }
        }

        if (merger.Flush(out var last))
        {
            yield return last;
        }
    }

    /// <summary>Merges into a sink (e.g. <see cref="FragmentsParquetWriter"/>) without an intermediate sequence.</summary>
    public void PushTo(in OpendcFragment fragment, IFragmentSink sink)
    {
        if (Push(fragment, out var merged))
        {
            sink.Append(merged);
        }
    }

    /// <summary>Flushes the pending run into a sink.</summary>
    public void FlushTo(IFragmentSink sink)
    {
        if (Flush(out var merged))
        {
            sink.Append(merged);
        }
    }

    private void Start(in OpendcFragment fragment)
    {
        _hasRun = true;
        _taskId = fragment.TaskId;
        _durationMs = fragment.DurationMs;
        _workMhzMs = fragment.CpuUsageMhz * fragment.DurationMs;
        _minMhz = fragment.CpuUsageMhz;
        _maxMhz = fragment.CpuUsageMhz;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void ThrowInvalid(in OpendcFragment fragment) =>
        throw new ArgumentOutOfRangeException(
            nameof(fragment), fragment, "fragment needs duration > 0 ms and a finite cpu_usage");
}
