using Tracekit.Ring;

namespace Tracekit.Collector.Top;

/// <summary>
/// Follows every ring of one node folder while their writers append to them: the collector's ring (the folder
/// itself) and each <c>streams/&lt;name&gt;/</c> ring of `tracekit run`, found again on every drain. Read-only
/// mappings: the writers never learn that anyone reads.
/// </summary>
internal sealed class RunFollower(string nodeDirectory) : IDisposable
{
    private const string StreamsFolderName = "streams";

    private readonly Dictionary<string, RingReader?> _readers = new(StringComparer.Ordinal);

    /// <summary>Hands every record committed since the last call to <paramref name="onRecord"/>; returns how many.</summary>
    public long Drain(RecordHandler onRecord, int maxRecords = int.MaxValue)
    {
        Discover();
        long count = 0;
        foreach (var reader in _readers.Values)
        {
            if (reader is null)
            {
                continue;
            }

            while (count < maxRecords && reader.TryRead(out ReadOnlySpan<byte> payload) == RingReadStatus.Record)
            {
                onRecord(payload);
                count++;
            }
        }

        return count;
    }

    public void Dispose()
    {
        foreach (var reader in _readers.Values)
        {
            reader?.Dispose();
        }
    }

    private void Discover()
    {
        TryOpen(nodeDirectory);
        string streams = Path.Combine(nodeDirectory, StreamsFolderName);
        if (Directory.Exists(streams))
        {
            foreach (string folder in Directory.EnumerateDirectories(streams))
            {
                TryOpen(folder);
            }
        }
    }

    private void TryOpen(string folder)
    {
        if (_readers.TryGetValue(folder, out var existing) && existing is not null)
        {
            return;
        }

        try
        {
            _readers[folder] = RingReader.Open(folder, follow: true);
        }
        catch (Exception e) when (e is FileNotFoundException or RingFormatException or IOException or UnauthorizedAccessException)
        {
            // A stream whose first segment is not there yet (or not readable): tried again on the next drain.
            _readers[folder] = null;
        }
    }
}

internal delegate void RecordHandler(ReadOnlySpan<byte> payload);
