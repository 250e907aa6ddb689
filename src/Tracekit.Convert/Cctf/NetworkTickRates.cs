using Tracekit.Format;

namespace Tracekit.Convert.Cctf;

/// <summary>
/// The network rates of one sampling tick, summed over the counted interfaces (<see cref="NetworkInterfaces"/>):
/// each interface's byte-counter delta divided by that interface's own interval, so an interface that appears
/// mid-run adds its rate from its second sample on, not its whole counter. Used by link_metrics.jsonl and the report.
/// </summary>
internal sealed class NetworkTickRates
{
    private readonly Dictionary<string, (ulong TimestampNs, ulong RxBytes, ulong TxBytes)> _previous = new(StringComparer.Ordinal);

    public double RxBytesPerSecond { get; private set; }

    public double TxBytesPerSecond { get; private set; }

    /// <summary>Interfaces that added a rate to this tick.</summary>
    public int Interfaces { get; private set; }

    public void Add(in NetDevice device)
    {
        if (!NetworkInterfaces.IsCounted(device.Interface))
        {
            return;
        }

        if (_previous.TryGetValue(device.Interface, out var previous)
            && device.TimestampNs > previous.TimestampNs
            && device.RxBytes >= previous.RxBytes && device.TxBytes >= previous.TxBytes)
        {
            double seconds = (device.TimestampNs - previous.TimestampNs) / 1e9;
            RxBytesPerSecond += (device.RxBytes - previous.RxBytes) / seconds;
            TxBytesPerSecond += (device.TxBytes - previous.TxBytes) / seconds;
            Interfaces++;
        }

        // Counters that went backwards (the interface was recreated) restart from here.
        _previous[device.Interface] = (device.TimestampNs, device.RxBytes, device.TxBytes);
    }

    /// <summary>Starts the next tick.</summary>
    public void NextTick()
    {
        RxBytesPerSecond = 0;
        TxBytesPerSecond = 0;
        Interfaces = 0;
    }
}
