using System.Runtime.InteropServices;
using Tracekit.Format;

namespace Tracekit.Convert.Report;

/// <summary>
/// CPU time and RSS of every process of a node, per column, stored sparsely (a process holds entries only for
/// the columns it lived in), so a node with thousands of short-lived processes costs their lifetimes, not
/// processes × columns. A process is (pid, start ticks), as in proc_cpu.jsonl: a reused pid is a new process.
/// </summary>
internal sealed class ProcessColumns : IColumnBinned
{
    private readonly TimeColumns _columns;
    private readonly Dictionary<(int Pid, ulong StartTicks), Track> _tracks = [];
    private readonly Dictionary<(int Pid, ulong StartTicks), string> _names = [];

    public ProcessColumns(TimeColumns columns)
    {
        _columns = columns;
        columns.Register(this);
    }

    public int Count => _tracks.Count;

    public void OnStart(in ProcessStart start) => _names[(start.Pid, start.StartTicks)] = start.Command;

    public void OnSample(long epochMs, ulong timestampNs, in ProcessSample sample)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_tracks, (sample.Pid, sample.StartTicks), out _);
        var track = slot ??= new Track(sample.Pid, _names.GetValueOrDefault((sample.Pid, sample.StartTicks)) ?? string.Empty);

        // The same rule as proc_cpu.jsonl: a delta only between samples of one CPU source whose counter grew.
        double cpuNs = 0;
        if (track.HasBaseline && timestampNs > track.LastTimestampNs)
        {
            if (sample.CpuSource == track.CpuSource && sample.CpuTimeNs >= track.LastCpuTimeNs)
            {
                cpuNs = sample.CpuTimeNs - track.LastCpuTimeNs;
            }
        }
        else if (track.HasBaseline)
        {
            return;
        }

        long fromEpochMs = track.HasBaseline ? track.LastEpochMs : epochMs;
        track.HasBaseline = true;
        track.LastTimestampNs = timestampNs;
        track.LastEpochMs = epochMs;
        track.LastCpuTimeNs = sample.CpuTimeNs;
        track.CpuSource = sample.CpuSource;
        track.TotalCpuNs += cpuNs;
        track.Rss(_columns.ColumnOf(epochMs), sample.RssKb);
        if (cpuNs > 0)
        {
            _columns.Spread(fromEpochMs, epochMs, cpuNs, track.AddCpuAction);
        }
    }

    public void HalveColumns()
    {
        foreach (var track in _tracks.Values)
        {
            track.Halve();
        }
    }

    /// <summary>The processes with the most CPU time, most first; ties by pid.</summary>
    public IReadOnlyList<Track> Top(int count) =>
        [.. _tracks.Values.Where(static t => t.TotalCpuNs > 0).OrderByDescending(static t => t.TotalCpuNs).ThenBy(static t => t.Pid).Take(count)];

    internal sealed class Track
    {
        private readonly List<int> _cols = [];
        private readonly List<double> _cpuNs = [];
        private readonly List<double> _maxRssKb = [];

        public Track(int pid, string name)
        {
            Pid = pid;
            Name = name;
            AddCpuAction = AddCpu;
        }

        public int Pid { get; }

        public string Name { get; }

        /// <summary>Made once: a method group converted per sample would allocate per sample.</summary>
        public Action<int, double> AddCpuAction { get; }

        public string Label => Name.Length == 0 ? $"pid {Pid}" : $"{Name} ({Pid})";

        public bool HasBaseline;
        public ulong LastTimestampNs;
        public long LastEpochMs;
        public ulong LastCpuTimeNs;
        public CpuSource CpuSource;
        public double TotalCpuNs;

        public void AddCpu(int column, double cpuNs) => _cpuNs[Entry(column)] += cpuNs;

        public void Rss(int column, double rssKb)
        {
            int i = Entry(column);
            _maxRssKb[i] = Math.Max(_maxRssKb[i], rssKb);
        }

        /// <summary>The entry of a column; columns only move forward, except for the few a spread revisits.</summary>
        private int Entry(int column)
        {
            for (int i = _cols.Count - 1; i >= 0 && _cols[i] >= column; i--)
            {
                if (_cols[i] == column)
                {
                    return i;
                }
            }

            int at = _cols.Count;
            while (at > 0 && _cols[at - 1] > column)
            {
                at--;
            }

            _cols.Insert(at, column);
            _cpuNs.Insert(at, 0);
            _maxRssKb.Insert(at, 0);
            return at;
        }

        public void Halve()
        {
            int to = -1;
            for (int i = 0; i < _cols.Count; i++)
            {
                int column = _cols[i] / 2;
                if (to >= 0 && _cols[to] == column)
                {
                    _cpuNs[to] += _cpuNs[i];
                    _maxRssKb[to] = Math.Max(_maxRssKb[to], _maxRssKb[i]);
                    continue;
                }

                to++;
                _cols[to] = column;
                _cpuNs[to] = _cpuNs[i];
                _maxRssKb[to] = _maxRssKb[i];
            }

            int keep = to + 1;
            _cols.RemoveRange(keep, _cols.Count - keep);
            _cpuNs.RemoveRange(keep, _cpuNs.Count - keep);
            _maxRssKb.RemoveRange(keep, _maxRssKb.Count - keep);
        }

        /// <summary>CPU in % of one core per column (0 where the process did not run).</summary>
        public double[] CpuPercent(int columns, long widthMs)
        {
            var values = new double[columns];
            for (int i = 0; i < _cols.Count; i++)
            {
                values[_cols[i]] = _cpuNs[i] / (widthMs * 1e6) * 100.0;
            }

            return values;
        }

        /// <summary>The largest RSS per column the process lived in, MiB.</summary>
        public (int[] Columns, double[] RssMiB) RssSeries()
        {
            // Columns reached only by a CPU spread hold no sample, hence no RSS.
            var sampled = Enumerable.Range(0, _cols.Count).Where(i => _maxRssKb[i] > 0).ToList();
            return ([.. sampled.Select(i => _cols[i])], [.. sampled.Select(i => _maxRssKb[i] / 1024.0)]);
        }
    }
}
