namespace Tracekit.Convert.Reading;

/// <summary>
/// Merges the streams of one node by epoch time. Each stream contributes one record at a time (copied, because a
/// reader's span dies at its next read), so memory is one record per stream whatever the ring sizes. A node has
/// few streams (the collector plus one per `tracekit run`), so the minimum is found by a linear scan.
/// Streams are merged on epoch time, not monotonic time, so streams written across a reboot still interleave.
/// Within one stream, ring order is kept even where producers committed slightly out of time order.
/// </summary>
public sealed class MergedRecordSource : IRecordSource
{
    private readonly StreamCursor[] _cursors;
    private readonly byte[][] _heads;
    private readonly int[] _headLengths;
    private readonly bool[] _hasHead;
    private int _current = -1;
    private bool _started;

    public MergedRecordSource(IReadOnlyList<StreamCursor> cursors)
    {
        _cursors = [.. cursors];
        _heads = new byte[_cursors.Length][];
        _headLengths = new int[_cursors.Length];
        _hasHead = new bool[_cursors.Length];
        for (int i = 0; i < _heads.Length; i++)
        {
            _heads[i] = new byte[256];
        }
    }

    public StreamCursor Current => _cursors[Math.Max(0, _current)];

    public long BytesRead
    {
        get
        {
            long sum = 0;
            foreach (var cursor in _cursors)
            {
                sum += cursor.BytesRead;
            }

            return sum;
        }
    }

    public bool MoveNext(out ReadOnlySpan<byte> payload)
    {
        if (!_started)
        {
            _started = true;
            for (int i = 0; i < _cursors.Length; i++)
            {
                Fill(i);
            }
        }
        else if (_current >= 0)
        {
            // Only now is the previous record consumed, so only now may its cursor move on.
            Fill(_current);
        }

        _current = -1;
        for (int i = 0; i < _cursors.Length; i++)
        {
            if (_hasHead[i] && (_current < 0 || _cursors[i].EpochNs < _cursors[_current].EpochNs))
            {
                _current = i;
            }
        }

        if (_current < 0)
        {
            payload = default;
            return false;
        }

        payload = _heads[_current].AsSpan(0, _headLengths[_current]);
        return true;
    }

    public void Dispose()
    {
        foreach (var cursor in _cursors)
        {
            cursor.Dispose();
        }
    }

    private void Fill(int index)
    {
        _hasHead[index] = _cursors[index].MoveNext(out ReadOnlySpan<byte> payload);
        if (!_hasHead[index])
        {
            return;
        }

        if (_heads[index].Length < payload.Length)
        {
            _heads[index] = new byte[Math.Max(payload.Length, _heads[index].Length * 2)];
        }

        payload.CopyTo(_heads[index]);
        _headLengths[index] = payload.Length;
    }
}
