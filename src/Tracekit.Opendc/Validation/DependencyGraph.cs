using C = Tracekit.Opendc.OpendcColumns;

namespace Tracekit.Opendc.Validation;

/// <summary>
/// Parent/child edges as listed in tasks.parquet. OpenDC uses both lists, so they must describe the same DAG:
/// every id must be a task, children must mirror parents, and there must be no cycle (a task in a cycle never
/// becomes ready and is silently never run).
/// </summary>
internal sealed class DependencyGraph
{
    private readonly List<Edge> _fromParents = [];
    private readonly List<Edge> _fromChildren = [];
    private bool _anyListColumn;
    private bool _mirrorCheckable = true;

    /// <summary>
    /// Records which list columns a tasks file has and could be read. With neither there is nothing to check; when
    /// one is present but broken (already a schema error) the mirror check is skipped, as it would only repeat it.
    /// </summary>
    public void NoteColumns(bool parentsPresent, bool parentsReadable, bool childrenPresent, bool childrenReadable)
    {
        _anyListColumn |= parentsReadable || childrenReadable;
        _mirrorCheckable &= parentsPresent == parentsReadable && childrenPresent == childrenReadable;
    }

    /// <param name="fromParentsColumn">True when <paramref name="lister"/> listed <paramref name="other"/> as a parent.</param>
    public void Add(bool fromParentsColumn, int lister, int other, int fileIndex, long row)
    {
        if (fromParentsColumn)
        {
            _fromParents.Add(new Edge(Parent: other, Child: lister, fileIndex, row));
        }
        else
        {
            _fromChildren.Add(new Edge(Parent: lister, Child: other, fileIndex, row));
        }
    }

    public void Check(TaskRegistry tasks, FindingSink sink)
    {
        if (!_anyListColumn)
        {
            return;
        }

        var parentListed = ToSet(_fromParents);
        var childListed = ToSet(_fromChildren);
        foreach (var edge in _fromParents)
        {
            string file = tasks.Files[edge.FileIndex];
            if (CheckIds(edge, edge.Parent, C.Parents, "parent", file, tasks, sink) && _mirrorCheckable
                && !childListed.Contains(Key(edge)))
            {
                sink.Error(file, C.Parents, edge.Row, "mirror",
                    $"task {edge.Child} lists parent {edge.Parent}, but task {edge.Parent} does not list {edge.Child} in children");
            }
        }

        foreach (var edge in _fromChildren)
        {
            string file = tasks.Files[edge.FileIndex];
            if (CheckIds(edge, edge.Child, C.Children, "child", file, tasks, sink) && _mirrorCheckable
                && !parentListed.Contains(Key(edge)))
            {
                sink.Error(file, C.Children, edge.Row, "mirror",
                    $"task {edge.Parent} lists child {edge.Child}, but task {edge.Child} does not list {edge.Parent} in parents");
            }
        }

        CheckCycles(tasks, sink);
    }

    private static bool CheckIds(Edge edge, int referenced, string column, string role, string file, TaskRegistry tasks, FindingSink sink)
    {
        if (edge.Parent == edge.Child)
        {
            sink.Error(file, column, edge.Row, "self dependency", $"task {edge.Parent} lists itself as {role}");
            return false;
        }

        if (tasks.IdsComplete && !tasks.Contains(referenced))
        {
            sink.Error(file, column, edge.Row, "unknown id", $"{role} {referenced} is not a task id");
            return false;
        }

        return true;
    }

    /// <summary>Kahn's algorithm over the union of both lists: whatever never reaches in-degree 0 is on or behind a cycle.</summary>
    private void CheckCycles(TaskRegistry tasks, FindingSink sink)
    {
        var edges = new HashSet<long>();
        var inDegree = new int[tasks.Count];
        var successors = new List<int>?[tasks.Count];
        foreach (var edge in _fromParents.Concat(_fromChildren))
        {
            int from = tasks.IndexOf(edge.Parent);
            int to = tasks.IndexOf(edge.Child);
            if (from < 0 || to < 0 || from == to || !edges.Add(Key(edge)))
            {
                continue;
            }

            (successors[from] ??= []).Add(to);
            inDegree[to]++;
        }

        var ready = new Queue<int>();
        for (int i = 0; i < inDegree.Length; i++)
        {
            if (inDegree[i] == 0)
            {
                ready.Enqueue(i);
            }
        }

        int done = 0;
        while (ready.TryDequeue(out int next))
        {
            done++;
            foreach (int successor in successors[next] ?? [])
            {
                if (--inDegree[successor] == 0)
                {
                    ready.Enqueue(successor);
                }
            }
        }

        if (done == tasks.Count)
        {
            return;
        }

        var stuck = new List<int>();
        for (int i = 0; i < inDegree.Length && stuck.Count < 10; i++)
        {
            if (inDegree[i] > 0)
            {
                stuck.Add(tasks.Entries[i].Id);
            }
        }

        var first = tasks.Entries[tasks.IndexOf(stuck[0])];
        sink.Error(tasks.Files[first.FileIndex], C.Parents, first.Row, "cycle",
            $"dependency cycle: {tasks.Count - done} tasks can never become ready (e.g. ids {string.Join(", ", stuck)})");
    }

    private static HashSet<long> ToSet(List<Edge> edges)
    {
        var set = new HashSet<long>(edges.Count);
        foreach (var edge in edges)
        {
            set.Add(Key(edge));
        }

        return set;
    }

    private static long Key(Edge edge) => ((long)edge.Parent << 32) | (uint)edge.Child;

    private readonly record struct Edge(int Parent, int Child, int FileIndex, long Row);
}
