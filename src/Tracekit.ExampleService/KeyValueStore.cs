using System.Collections.Concurrent;

namespace Tracekit.ExampleService;

/// <summary>A small in-memory key-value store, bounded so a load test cannot grow it without limit.</summary>
internal sealed class KeyValueStore
{
    private const int MaxKeys = 10_000;
    private const long MaxTotalBytes = 64L << 20;
    private readonly ConcurrentDictionary<string, byte[]> _values = new(StringComparer.Ordinal);
    private long _totalBytes;

    public bool TryGet(string key, out byte[] value) => _values.TryGetValue(key, out value!);

    public bool TryPut(string key, byte[] value)
    {
        if (_values.Count >= MaxKeys && !_values.ContainsKey(key)) return false;
        // The byte total is approximate under races; it only bounds memory, it is never reported.
        if (Interlocked.Read(ref _totalBytes) + value.Length > MaxTotalBytes) return false;
        var previous = _values.GetValueOrDefault(key);
        _values[key] = value;
        Interlocked.Add(ref _totalBytes, value.Length - (previous?.Length ?? 0));
        return true;
    }

    public bool Remove(string key)
    {
        if (!_values.TryRemove(key, out var old)) return false;
        Interlocked.Add(ref _totalBytes, -old.Length);
        return true;
    }
}
