using DuckDB.NET.Data;

namespace Tracekit.Opendc.Tests;

/// <summary>DuckDB as the second, independent parquet reader (its own C++ parquet implementation).</summary>
internal sealed class DuckDb : IDisposable
{
    private readonly DuckDBConnection _connection = new("DataSource=:memory:");

    public DuckDb() => _connection.Open();

    /// <summary>Runs a query and returns every row as an object array (DBNull for NULL).</summary>
    public List<object[]> Query(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object[]>();
        while (reader.Read())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>parquet_schema() rows keyed by column name: (type, repetition_type, converted_type).</summary>
    public Dictionary<string, (string Type, string Repetition, string Converted)> Schema(string path)
    {
        var result = new Dictionary<string, (string, string, string)>();
        foreach (var row in Query($"SELECT name, type, repetition_type, converted_type FROM parquet_schema('{path}')"))
        {
            result[(string)row[0]] = (row[1] as string ?? "", row[2] as string ?? "", row[3] as string ?? "");
        }

        return result;
    }

    public void Dispose() => _connection.Dispose();
}
