using Microsoft.Diagnostics.Tracing;

namespace Tracekit.Dotnet.Parsing;

/// <summary>
/// The fields of an EventCounters event (Name, Mean, Increment, CounterType, DisplayUnits…), however TraceEvent
/// nests them: <c>Payload</c> → dictionary, or a first payload value {"Payload": {…}}.
/// </summary>
internal static class EventCounterFields
{
    public static IDictionary<string, object>? Of(TraceEvent e)
    {
        object? raw = null;
        if (e.PayloadNames.Length > 0) raw = e.PayloadByName("Payload") ?? e.PayloadValue(0);
        var payload = raw as IDictionary<string, object>;
        if (payload is not null && payload.TryGetValue("Payload", out var inner) && inner is IDictionary<string, object> fields) payload = fields;
        return payload;
    }
}
