using System.Text.Json;

namespace Tracekit.Convert.Tests.Support;

/// <summary>Reads the converter's outputs back with an ordinary JSON parser.</summary>
public static class Jsonl
{
    public static List<JsonElement> Read(string path)
    {
        var rows = new List<JsonElement>();
        foreach (string line in File.ReadLines(path))
        {
            Assert.False(string.IsNullOrWhiteSpace(line), $"{path}: blank line");
            using var document = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            rows.Add(document.RootElement.Clone());
        }

        return rows;
    }

    public static List<JsonElement> ReadArray(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);
        return document.RootElement.EnumerateArray().Select(static e => e.Clone()).ToList();
    }

    public static string[] Keys(JsonElement row) => row.EnumerateObject().Select(static p => p.Name).ToArray();

    public static long Long(JsonElement row, string name) => row.GetProperty(name).GetInt64();

    public static double Double(JsonElement row, string name) => row.GetProperty(name).GetDouble();

    public static string? Str(JsonElement row, string name) => row.GetProperty(name).GetString();

    public static bool IsNull(JsonElement row, string name) => row.GetProperty(name).ValueKind == JsonValueKind.Null;
}
