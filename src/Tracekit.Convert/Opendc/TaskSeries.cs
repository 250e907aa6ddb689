using System.Runtime.InteropServices;
using Tracekit.Opendc;

namespace Tracekit.Convert.Opendc;

/// <summary>
/// Turns a task's cumulative CPU readings into OpenDC fragments. Each pair of consecutive readings is one
/// fragment: its CPU time × the node's max MHz, spread over its duration. Fragment boundaries are rounded to whole
/// ms of the task's own timeline (not each duration separately), so durations sum exactly to the task's length,
/// and CPU that falls in a sub-ms sliver is carried into the next fragment: Σ usage × duration equals the measured
/// CPU-seconds × MHz up to floating-point rounding.
/// <para>Memory: only the last <see cref="FragmentSpill.ChunkFragments"/> fragments stay in memory; full chunks go
/// to the <see cref="FragmentSpill"/>, so a long task costs disk, not RSS. The last fragment is always in memory,
/// since <see cref="Finish"/> may still add CPU to it.</para>
/// </summary>
public sealed class TaskSeries
{
    private readonly double _maxMhz;
    private readonly List<OpendcFragment> _fragments = new();
    private readonly FragmentSpill? _spill;
    private List<long>? _spilledChunkOffsets;
    private long _lastEpochNs;
    private long _lastCpuNs;
    private long _carriedCpuNs;
    private long _lastBoundaryMs;

    /// <param name="spill">Where full chunks go; null keeps every fragment in memory (small tests).</param>
    public TaskSeries(long startEpochNs, long baselineCpuNs, double maxMhz, FragmentSpill? spill = null)
    {
        _spill = spill;
        StartEpochNs = startEpochNs;
        _lastEpochNs = startEpochNs;
        _lastCpuNs = baselineCpuNs;
        _windowStartNs = startEpochNs;
        _windowStartCpuNs = baselineCpuNs;
        BaselineCpuNs = baselineCpuNs;
        _maxMhz = maxMhz;
    }

    public long StartEpochNs { get; }
    public long BaselineCpuNs { get; }
    public long LastEpochNs => _lastEpochNs;
    public long LastCpuNs => _lastCpuNs;
    public long DurationMs => _lastBoundaryMs;
    public long PeakRssKb { get; private set; }
    /// <summary>
    /// The task's peak CPU demand in cores: the most it used in a window of at least <see cref="PeakWindowNs"/>
    /// (consecutive reading intervals joined until they span it). A shorter interval, such as the sliver between
    /// the last tick and the end record, whose CPU was counted by rusage over a longer time, would read as
    /// tens of cores.
    /// </summary>
    public double PeakCores => _peakCores > 0 || _lastEpochNs == _windowStartNs
        ? _peakCores
        : (double)(_lastCpuNs - _windowStartCpuNs) / (_lastEpochNs - _windowStartNs);

    /// <summary>The shortest window the peak cores are measured over: 5 ticks at 10 ms, one at 100 ms.</summary>
    public const long PeakWindowNs = 50_000_000;
    private double _peakCores;
    private long _windowStartNs;
    private long _windowStartCpuNs;
    /// <summary>Fragments so far, spilled or in memory.</summary>
    public long FragmentCount => ((long)(_spilledChunkOffsets?.Count ?? 0) * FragmentSpill.ChunkFragments) + _fragments.Count;

    /// <summary>Fragments in memory; the rest are in the spill file.</summary>
    public int FragmentsInMemory => _fragments.Count;

    /// <summary>Every fragment in playback order: the spilled chunks, then the ones in memory.</summary>
    public IEnumerable<OpendcFragment> ReadFragments()
    {
        if (_spilledChunkOffsets is { Count: > 0 } offsets)
        {
            var chunk = new OpendcFragment[FragmentSpill.ChunkFragments];
            foreach (long offset in offsets)
            {
                _spill!.ReadChunk(offset, chunk);
                foreach (var f in chunk) yield return f;
            }
        }
        foreach (var f in _fragments) yield return f;
    }
    /// <summary>CPU time the fragments account for, ns.</summary>
    public long CpuNs => _lastCpuNs - BaselineCpuNs;

    public void ObserveRss(long rssKb) => PeakRssKb = Math.Max(PeakRssKb, rssKb);

    /// <summary>Adds a cumulative reading. Readings out of time order or going backwards are ignored.</summary>
    public void Add(long epochNs, long cumulativeCpuNs)
    {
        if (epochNs <= _lastEpochNs) return;
        cumulativeCpuNs = Math.Max(cumulativeCpuNs, _lastCpuNs);
        long deltaCpuNs = cumulativeCpuNs - _lastCpuNs;
        if (epochNs - _windowStartNs >= PeakWindowNs)
        {
            _peakCores = Math.Max(_peakCores, (double)(cumulativeCpuNs - _windowStartCpuNs) / (epochNs - _windowStartNs));
            _windowStartNs = epochNs;
            _windowStartCpuNs = cumulativeCpuNs;
        }

        long boundaryMs = (long)Math.Round((epochNs - StartEpochNs) / 1e6, MidpointRounding.AwayFromZero);
        long durationMs = boundaryMs - _lastBoundaryMs;
        _carriedCpuNs += deltaCpuNs;
        _lastEpochNs = epochNs;
        _lastCpuNs = cumulativeCpuNs;
        if (durationMs <= 0) return;

        if (_spill is not null && _fragments.Count == FragmentSpill.ChunkFragments)
        {
            (_spilledChunkOffsets ??= new()).Add(_spill.WriteChunk(CollectionsMarshal.AsSpan(_fragments)));
            _fragments.Clear();
        }
        _fragments.Add(new OpendcFragment(0, durationMs, _carriedCpuNs / (durationMs * 1e6) * _maxMhz));
        _carriedCpuNs = 0;
        _lastBoundaryMs = boundaryMs;
    }

    /// <summary>
    /// The task's last reading, at its end: a reading later than the end (a sample taken after the job exited, and
    /// before its end record was written) must not make the task longer than the job. Fragments past the end are
    /// taken back and their CPU joins the interval that ends at the end, so CPU is conserved and the task's
    /// duration is the job's.
    /// </summary>
    public void End(long endEpochNs, long cumulativeCpuNs)
    {
        long endBoundaryMs = Math.Max(1, (long)Math.Round((endEpochNs - StartEpochNs) / 1e6, MidpointRounding.AwayFromZero));
        while (_lastBoundaryMs > endBoundaryMs && _fragments.Count > 0)
        {
            var last = _fragments[^1];
            _fragments.RemoveAt(_fragments.Count - 1);
            _carriedCpuNs += (long)Math.Round(last.CpuUsageMhz / _maxMhz * last.DurationMs * 1e6);
            _lastBoundaryMs -= last.DurationMs;
        }
        if (_lastEpochNs > endEpochNs)
        {
            // Readings up to the last kept boundary stay; the next one is the end.
            _lastEpochNs = Math.Min(_lastEpochNs, StartEpochNs + (_lastBoundaryMs * 1_000_000));
            _windowStartNs = Math.Min(_windowStartNs, _lastEpochNs);
        }
        Add(Math.Max(endEpochNs, _lastEpochNs + 1), cumulativeCpuNs);
    }

    /// <summary>
    /// Closes the series: CPU still carried (a last sliver under 1 ms) joins the last fragment; a task shorter than
    /// 1 ms becomes one 1 ms fragment, since OpenDC needs a duration of at least 1.
    /// </summary>
    public void Finish()
    {
        if (_carriedCpuNs == 0 && _fragments.Count > 0) return;
        if (_fragments.Count == 0)
        {
            _fragments.Add(new OpendcFragment(0, 1, _carriedCpuNs / 1e6 * _maxMhz));
            _lastBoundaryMs = 1;
        }
        else
        {
            var last = _fragments[^1];
            double cpuNs = (last.CpuUsageMhz / _maxMhz * last.DurationMs * 1e6) + _carriedCpuNs;
            _fragments[^1] = last with { CpuUsageMhz = cpuNs / (last.DurationMs * 1e6) * _maxMhz };
        }
        _carriedCpuNs = 0;
    }
}
