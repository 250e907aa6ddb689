using System.Text.Json;

namespace Tracekit.Convert.Output;

/// <summary>Unknown values are JSON null (cctf-compat.md); JSON has no NaN, so a non-finite number is null too.</summary>
public static class JsonWriterExtensions
{
    public static void WriteNumberOrNull(this Utf8JsonWriter json, JsonEncodedText name, long? value)
    {
        if (value is long v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    public static void WriteNumberOrNull(this Utf8JsonWriter json, JsonEncodedText name, double? value)
    {
        if (value is double v && double.IsFinite(v))
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    public static void WriteStringOrNull(this Utf8JsonWriter json, JsonEncodedText name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
