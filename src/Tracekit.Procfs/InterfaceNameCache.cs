using System.Text;

namespace Tracekit.Procfs;

/// <summary>
/// Turns interface-name bytes into strings, returning the same string instance for the same bytes, so sampling
/// /proc/net/dev allocates only when a new interface appears. Capacity is bounded: hosts that churn virtual
/// interfaces (containers' veths) replace the oldest entry instead of growing without limit.
/// </summary>
public sealed class InterfaceNameCache
{
    private readonly byte[][] _keys;
    private readonly string[] _names;
    private int _count;
    private int _nextReplacement;

    public InterfaceNameCache(int capacity = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _keys = new byte[capacity][];
        _names = new string[capacity];
    }

    public int Count => _count;

    public string GetOrAdd(ReadOnlySpan<byte> nameBytes)
    {
        for (int i = 0; i < _count; i++)
        {
            if (nameBytes.SequenceEqual(_keys[i]))
            {
                return _names[i];
            }
        }

        return Add(nameBytes);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private string Add(ReadOnlySpan<byte> nameBytes)
    {
        int slot;
        if (_count < _keys.Length)
        {
            slot = _count++;
        }
        else
        {
            slot = _nextReplacement;
            _nextReplacement = (_nextReplacement + 1) % _keys.Length;
        }

        _keys[slot] = nameBytes.ToArray();
        _names[slot] = Encoding.UTF8.GetString(nameBytes);
        return _names[slot];
    }
}
