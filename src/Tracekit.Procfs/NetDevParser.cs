namespace Tracekit.Procfs;

/// <summary>The /proc/net/dev counters of one interface (cumulative since the interface appeared).</summary>
public struct NetDevCounters
{
    public ulong RxBytes;
    public ulong RxPackets;
    public ulong RxErrors;
    public ulong RxDropped;
    public ulong TxBytes;
    public ulong TxPackets;
    public ulong TxErrors;
    public ulong TxDropped;
}

/// <summary>
/// Walks the interface rows of /proc/net/dev without allocating. The interface name is a span into the content;
/// turn it into a string with <see cref="InterfaceNameCache"/>, which allocates only for a name not seen before.
/// </summary>
public ref struct NetDevEnumerator
{
    private ReadOnlySpan<byte> _rest;

    public NetDevEnumerator(ReadOnlySpan<byte> content)
    {
        _rest = content;
        Name = default;
        Counters = default;
        MalformedRowCount = 0;
    }

    public ReadOnlySpan<byte> Name { get; private set; }

    public NetDevCounters Counters { get; private set; }

    /// <summary>Rows that were skipped because they did not parse (the two header lines are not counted).</summary>
    public int MalformedRowCount { get; private set; }

    public bool MoveNext()
    {
        // Work on a local copy: a ref to a field of 'this' cannot hand out spans that outlive the call.
        ReadOnlySpan<byte> rest = _rest;
        while (AsciiScan.TryTakeLine(ref rest, out ReadOnlySpan<byte> line))
        {
            // A big counter can touch the colon ("eth0:123..."), and a name may itself hold ':', but counters never
            // do, so the last colon ends the name. The header lines have '|' and no colon.
            int colon = line.LastIndexOf((byte)':');
            if (colon < 0)
            {
                continue;
            }

            ReadOnlySpan<byte> name = AsciiScan.Trim(line[..colon]);
            if (!name.IsEmpty && TryParseCounters(line[(colon + 1)..], out NetDevCounters counters))
            {
                Name = name;
                Counters = counters;
                _rest = rest;
                return true;
            }

            MalformedRowCount++;
        }

        _rest = rest;
        return false;
    }

    /// <summary>The current row, for <c>foreach</c>.</summary>
    public readonly NetDevRow Current => new(Name, Counters);

    public readonly NetDevEnumerator GetEnumerator() => this;

    private static bool TryParseCounters(ReadOnlySpan<byte> fields, out NetDevCounters counters)
    {
        counters = default;
        Span<ulong> columns = stackalloc ulong[16];
        for (int i = 0; i < columns.Length; i++)
        {
            if (!AsciiScan.TryTakeUInt64(ref fields, out columns[i]))
            {
                return false;
            }
        }

        // Receive: bytes packets errs drop fifo frame compressed multicast; transmit starts at column 8.
        counters.RxBytes = columns[0];
        counters.RxPackets = columns[1];
        counters.RxErrors = columns[2];
        counters.RxDropped = columns[3];
        counters.TxBytes = columns[8];
        counters.TxPackets = columns[9];
        counters.TxErrors = columns[10];
        counters.TxDropped = columns[11];
        return true;
    }
}

/// <summary>One interface row of /proc/net/dev; the name points into the parsed content.</summary>
public readonly ref struct NetDevRow
{
    public NetDevRow(ReadOnlySpan<byte> name, NetDevCounters counters)
    {
        Name = name;
        Counters = counters;
    }

    public ReadOnlySpan<byte> Name { get; }

    public NetDevCounters Counters { get; }
}

/// <summary>Entry point for /proc/net/dev, so callers write <c>foreach (var row in NetDevParser.Rows(span))</c>.</summary>
public static class NetDevParser
{
    public static NetDevEnumerator Rows(ReadOnlySpan<byte> content) => new(content);
}
