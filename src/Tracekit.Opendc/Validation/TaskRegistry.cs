using System.Runtime.InteropServices;

namespace Tracekit.Opendc.Validation;

/// <summary>What the validator keeps per task: O(tasks) memory, independent of the number of fragments.</summary>
internal struct TaskEntry
{
    public int Id;
    public int FileIndex;
    public long Row;
    public long DurationMs;       // -1 when unknown (null or column unusable)
    public int CpuCount;          // 0 when unknown
    public long MemCapacity;      // -1 when unknown
    public long FragmentCount;
    public long FragmentSumMs;
    public int LastFragmentFile;  // -1 before the first fragment
}

/// <summary>Task ids seen in tasks.parquet, with per-task fragment tallies filled while fragments stream past.</summary>
internal sealed class TaskRegistry
{
    private readonly Dictionary<int, int> _indexById = [];
    private readonly List<TaskEntry> _entries = [];

    /// <summary>Display names of the task files, indexed by <see cref="TaskEntry.FileIndex"/>.</summary>
    public List<string> Files { get; } = [];

    /// <summary>False when some tasks file had no usable id column: cross-table checks would then be guesses.</summary>
    public bool IdsComplete { get; set; } = true;

    public int Count => _entries.Count;

    public Span<TaskEntry> Entries => CollectionsMarshal.AsSpan(_entries);

    /// <summary>Registers a task; returns false (and the earlier entry's index) for a duplicate id.</summary>
    public bool TryAdd(in TaskEntry entry, out int existingIndex)
    {
        if (_indexById.TryGetValue(entry.Id, out existingIndex))
        {
            return false;
        }

        _indexById.Add(entry.Id, _entries.Count);
        _entries.Add(entry);
        return true;
    }

    public bool Contains(int id) => _indexById.ContainsKey(id);

    /// <summary>Index into <see cref="Entries"/>, or -1.</summary>
    public int IndexOf(int id) => _indexById.TryGetValue(id, out int index) ? index : -1;
}
