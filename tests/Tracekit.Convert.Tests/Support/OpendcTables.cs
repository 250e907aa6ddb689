using DuckDB.NET.Data;

namespace Tracekit.Convert.Tests.Support;

/// <summary>
/// Reads an opendc output folder back with DuckDB: a parquet reader independent of the writer, so a test does not
/// check the writer against itself.
/// </summary>
public static class OpendcTables
{
    /// <summary>Fragments in file order, which is playback order within each task.</summary>
    public static List<(int Id, long Duration, double Usage)> Fragments(string outputDirectory)
    {
        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = $"SELECT id, duration, cpu_usage FROM read_parquet('{Path.Combine(outputDirectory, "fragments.parquet")}')";
        using var r = cmd.ExecuteReader();
        var rows = new List<(int, long, double)>();
        while (r.Read()) rows.Add((r.GetInt32(0), r.GetInt64(1), r.GetDouble(2)));
        return rows;
    }

    public static List<(int Id, long Submission, long Duration, int CpuCount, double Capacity, long Mem, string Name)> Tasks(string outputDirectory)
    {
        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = $"SELECT id, submission_time, duration, cpu_count, cpu_capacity, mem_capacity, name FROM read_parquet('{Path.Combine(outputDirectory, "tasks.parquet")}') ORDER BY id";
        using var r = cmd.ExecuteReader();
        var rows = new List<(int, long, long, int, double, long, string)>();
        while (r.Read()) rows.Add((r.GetInt32(0), r.GetInt64(1), r.GetInt64(2), r.GetInt32(3), r.GetDouble(4), r.GetInt64(5), r.GetString(6)));
        return rows;
    }
}
