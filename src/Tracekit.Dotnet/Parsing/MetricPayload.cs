using System.Collections.Generic;
using System.Globalization;

namespace Tracekit.Dotnet.Parsing;

/// <summary>
/// Turns the System.Diagnostics.Metrics provider's value events (and the EventCounters fallback) into one value
/// per time series. A time series is the instrument name plus its tags: <c>dotnet.gc.collections{gc.heap.generation=gen0}</c>.
/// </summary>
internal static class MetricPayload
{
    public const string CounterRate = "CounterRateValuePublished";
    public const string UpDownCounterRate = "UpDownCounterRateValuePublished";
    public const string Gauge = "GaugeValuePublished";

    /// <summary>
    /// Counters carry their cumulative value when the runtime sends one (observable counters: since the process
    /// started; plain counters: since the metrics session began), else the rate (the increase in the last interval).
    /// Up-down counters and gauges carry their current value. Histograms are not recorded.
    /// </summary>
    public static bool TryRead(string eventName, string? instrument, string? tags, string? rate, string? value, string? lastValue,
        out string series, out double result)
    {
        series = instrument ?? "";
        result = 0;
        if (string.IsNullOrEmpty(instrument)) return false;
        bool ok = eventName switch
        {
            CounterRate => TryNumber(value, out result) || TryNumber(rate, out result),
            UpDownCounterRate => TryNumber(value, out result),
            Gauge => TryNumber(lastValue, out result),
            _ => false,
        };
        if (!ok) return false;
        if (!string.IsNullOrEmpty(tags)) series = string.Concat(instrument, "{", tags, "}");
        return true;
    }

    /// <summary>An EventCounters payload (the 'Payload' field of an 'EventCounters' event).</summary>
    public static bool TryReadEventCounter(IDictionary<string, object>? payload, out string name, out double result, out string? unit)
    {
        name = "";
        result = 0;
        unit = null;
        if (payload is null || !payload.TryGetValue("Name", out var n) || n is not string counterName || counterName.Length == 0) return false;
        name = counterName;
        unit = payload.TryGetValue("DisplayUnits", out var u) && u is string s && s.Length > 0 ? s : null;
        bool isSum = payload.TryGetValue("CounterType", out var t) && t is string type && type == "Sum";
        payload.TryGetValue(isSum ? "Increment" : "Mean", out object? raw);
        switch (raw)
        {
            case double d: result = d; return !double.IsNaN(d);
            case float f: result = f; return !float.IsNaN(f);
            case string text: return TryNumber(text, out result);
            default: return false;
        }
    }

    private static bool TryNumber(string? text, out double value)
    {
        value = 0;
        return !string.IsNullOrEmpty(text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            && !double.IsNaN(value);
    }
}
