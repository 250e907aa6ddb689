using ParquetSharp;
using ParquetSharp.Schema;
using Tracekit.Opendc.Validation;

namespace Tracekit.Opendc.Tests;

/// <summary>What the writers produce: exact schema, strict validation, and identical values read back by DuckDB.</summary>
public sealed class WriterRoundTripTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracekit-opendc-writer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string TasksPath => Path.Combine(_dir, "tasks.parquet");

    private string FragmentsPath => Path.Combine(_dir, "fragments.parquet");

    /// <summary>A DAG 1 -> {2, 3} -> 4 plus an independent task 5 with a name that needs escaping in any text format.</summary>
    private static List<OpendcTask> SampleTasks() =>
    [
        new(1, 1_700_000_000_000, 3000, 2, 4200, 2_048_000, "trace-1", [], [2, 3]),
        new(2, 1_700_000_000_500, 1000, 1, 2100, 1_024_000, null, [1], [4]),
        new(3, 1_700_000_000_500, 2000, 4, 8400, 4_096_000, "cmd \"x\" ünïcode", [1], [4]),
        new(4, 1_700_000_001_000, 500, 1, 2100, 0, "join", [2, 3], []),
        new(5, 1_700_000_002_000, 12_000, 16, 33_600, 16_384_000, "", null, null),
    ];

    /// <summary>Fragments whose per-task durations sum to the task durations above; row groups of 7 rows.</summary>
    private static List<OpendcFragment> SampleFragments()
    {
        var fragments = new List<OpendcFragment>
        {
            new(1, 1000, 4200), new(1, 2000, 0), new(2, 1000, 1050.5), new(3, 1500, 8400), new(3, 500, 1e-9), new(4, 500, 2100),
        };
        for (int i = 0; i < 24; i++)
        {
            fragments.Add(new OpendcFragment(5, 500, i * 1400.25));
        }

        return fragments;
    }

    private void WriteSample()
    {
        Assert.Equal(5, TasksParquetWriter.Write(TasksPath, SampleTasks()));
        using var writer = new FragmentsParquetWriter(FragmentsPath, rowGroupRows: 7);
        foreach (var fragment in SampleFragments())
        {
            writer.Append(fragment);
        }

        Assert.Equal(30, writer.Count);
    }

    [Fact]
    public void Write_Sample_PassesStrictValidationWithTopology()
    {
        WriteSample();
        var topology = Path.Combine(_dir, "topology.json");
        TopologyWriter.Write(topology, [new TopologyNode("n1", 16, 2100, 32_768), new TopologyNode("n2", 16, 2100, 32_768)]);

        var report = OpendcValidator.Validate(_dir, topology, strict: true);

        Assert.Empty(report.Findings);
        Assert.Equal(5, report.TaskCount);
        Assert.Equal(30, report.FragmentCount);
    }

    [Fact]
    public void Write_Fragments_SplitsIntoRowGroupsOfRequestedSize()
    {
        WriteSample();
        using var reader = new ParquetFileReader(FragmentsPath);

        Assert.Equal(5, reader.FileMetaData.NumRowGroups); // 30 rows / 7 per group
        Assert.Equal(30, reader.FileMetaData.NumRows);
    }

    [Fact]
    public void Write_Schema_IsExactlyTheContractSchema()
    {
        WriteSample();
        using var tasks = new ParquetFileReader(TasksPath);
        using var fragments = new ParquetFileReader(FragmentsPath);

        Assert.Equal(
            ["id:Int32:Required", "submission_time:Int64:Required", "duration:Int64:Required", "cpu_count:Int32:Required",
             "cpu_capacity:Double:Required", "mem_capacity:Int64:Required", "name:ByteArray:Optional",
             "parents.list.element:Int32:Optional", "children.list.element:Int32:Optional"],
            Columns(tasks));
        Assert.Equal(["id:Int32:Required", "duration:Int64:Required", "cpu_usage:Double:Required"], Columns(fragments));
        Assert.IsType<StringLogicalType>(tasks.FileMetaData.Schema.Column(6).LogicalType);
        var parents = (GroupNode)tasks.FileMetaData.Schema.GroupNode.Field(7);
        Assert.Equal((Repetition.Optional, ConvertedType.List), (parents.Repetition, parents.ConvertedType));
        Assert.Equal(Repetition.Repeated, parents.Field(0).Repetition);
        AssertAllChunks(tasks, Compression.Snappy);
        AssertAllChunks(fragments, Compression.Snappy);
    }

    [Fact]
    public void Write_WithoutDependencies_OmitsListColumns()
    {
        TasksParquetWriter.Write(TasksPath, SampleTasks(), writeDependencies: false);
        using var tasks = new ParquetFileReader(TasksPath);

        Assert.Equal(7, tasks.FileMetaData.NumColumns);
    }

    [Fact]
    public void DuckDb_ParquetSchema_SeesContractTypesAndRepetition()
    {
        WriteSample();
        using var duck = new DuckDb();
        var tasks = duck.Schema(TasksPath);
        var fragments = duck.Schema(FragmentsPath);

        Assert.Equal(("INT32", "REQUIRED"), (tasks["id"].Type, tasks["id"].Repetition));
        Assert.Equal(("INT64", "REQUIRED"), (tasks["submission_time"].Type, tasks["submission_time"].Repetition));
        Assert.Equal(("INT64", "REQUIRED"), (tasks["duration"].Type, tasks["duration"].Repetition));
        Assert.Equal(("INT32", "REQUIRED"), (tasks["cpu_count"].Type, tasks["cpu_count"].Repetition));
        Assert.Equal(("DOUBLE", "REQUIRED"), (tasks["cpu_capacity"].Type, tasks["cpu_capacity"].Repetition));
        Assert.Equal(("INT64", "REQUIRED"), (tasks["mem_capacity"].Type, tasks["mem_capacity"].Repetition));
        Assert.Equal(("BYTE_ARRAY", "OPTIONAL", "UTF8"), tasks["name"]);
        Assert.Equal(("OPTIONAL", "LIST"), (tasks["parents"].Repetition, tasks["parents"].Converted));
        Assert.Equal("REPEATED", tasks["list"].Repetition);
        Assert.Equal(("INT32", "OPTIONAL"), (tasks["element"].Type, tasks["element"].Repetition));
        Assert.Equal(("INT32", "REQUIRED"), (fragments["id"].Type, fragments["id"].Repetition));
        Assert.Equal(("INT64", "REQUIRED"), (fragments["duration"].Type, fragments["duration"].Repetition));
        Assert.Equal(("DOUBLE", "REQUIRED"), (fragments["cpu_usage"].Type, fragments["cpu_usage"].Repetition));
    }

    [Fact]
    public void DuckDb_Describe_SeesListsAsIntegerArrays()
    {
        WriteSample();
        using var duck = new DuckDb();
        var types = duck.Query($"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{TasksPath}'))")
            .ToDictionary(r => (string)r[0], r => (string)r[1]);

        Assert.Equal("INTEGER[]", types["parents"]);
        Assert.Equal("INTEGER[]", types["children"]);
        Assert.Equal("INTEGER", types["id"]);
        Assert.Equal("BIGINT", types["submission_time"]);
        Assert.Equal("VARCHAR", types["name"]);
    }

    [Fact]
    public void DuckDb_ReadTasks_ValuesIdentical()
    {
        WriteSample();
        using var duck = new DuckDb();
        var rows = duck.Query(
            $"SELECT id, submission_time, duration, cpu_count, cpu_capacity, mem_capacity, name, " +
            $"array_to_string(parents, ','), array_to_string(children, ','), len(parents) FROM read_parquet('{TasksPath}')");

        var expected = SampleTasks();
        Assert.Equal(expected.Count, rows.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var (task, row) = (expected[i], rows[i]);
            Assert.Equal(task.Id, (int)row[0]);
            Assert.Equal(task.SubmissionTimeMs, (long)row[1]);
            Assert.Equal(task.DurationMs, (long)row[2]);
            Assert.Equal(task.CpuCount, (int)row[3]);
            Assert.Equal(task.CpuCapacityMhz, (double)row[4]);
            Assert.Equal(task.MemCapacity, (long)row[5]);
            Assert.Equal(task.Name, row[6] as string);
            Assert.Equal(string.Join(',', task.Parents ?? []), (string)row[7]);
            Assert.Equal(string.Join(',', task.Children ?? []), (string)row[8]);
            Assert.Equal((task.Parents ?? []).Count, Convert.ToInt32(row[9]));
        }
    }

    [Fact]
    public void DuckDb_ReadParents_AsIntegerLists()
    {
        WriteSample();
        using var duck = new DuckDb();
        var rows = duck.Query($"SELECT id, parents FROM read_parquet('{TasksPath}') WHERE id = 4");

        var parents = Assert.IsAssignableFrom<System.Collections.IEnumerable>(Assert.Single(rows)[1]);
        Assert.Equal([2, 3], parents.Cast<object>().Select(Convert.ToInt32));
    }

    [Fact]
    public void DuckDb_ReadFragments_ValuesIdenticalInFileOrder()
    {
        WriteSample();
        using var duck = new DuckDb();
        var rows = duck.Query($"SELECT id, duration, cpu_usage FROM read_parquet('{FragmentsPath}', file_row_number = true) ORDER BY file_row_number");

        var expected = SampleFragments();
        Assert.Equal(expected, rows.Select(r => new OpendcFragment((int)r[0], (long)r[1], (double)r[2])));
    }

    [Fact]
    public void TasksWriter_InvalidTask_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TasksParquetWriter.Write(TasksPath, [SampleTasks()[0] with { DurationMs = 0 }]));
        Assert.Throws<ArgumentOutOfRangeException>(() => TasksParquetWriter.Write(TasksPath, [SampleTasks()[0] with { CpuCount = 0 }]));
        Assert.Throws<ArgumentOutOfRangeException>(() => TasksParquetWriter.Write(TasksPath, [SampleTasks()[0] with { CpuCapacityMhz = double.NaN }]));
        Assert.Throws<ArgumentOutOfRangeException>(() => TasksParquetWriter.Write(TasksPath, [SampleTasks()[0] with { MemCapacity = -1 }]));
        Assert.Throws<ArgumentException>(() => TasksParquetWriter.Write(TasksPath, [SampleTasks()[0], SampleTasks()[0]]));
    }

    [Theory]
    [InlineData(0L, 1.0)]
    [InlineData(-1L, 1.0)]
    [InlineData(1L, -0.5)]
    [InlineData(1L, double.NaN)]
    [InlineData(1L, double.PositiveInfinity)]
    public void FragmentsWriter_InvalidFragment_Throws(long durationMs, double usageMhz)
    {
        using var writer = new FragmentsParquetWriter(FragmentsPath);

        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Append(1, durationMs, usageMhz));
        Assert.Equal(0, writer.Count);
    }

    [Fact]
    public void TasksWriter_NoTasks_WritesReadableEmptyTable()
    {
        Assert.Equal(0, TasksParquetWriter.Write(TasksPath, []));
        using var duck = new DuckDb();

        Assert.Equal(0L, Convert.ToInt64(Assert.Single(duck.Query($"SELECT count(*) FROM read_parquet('{TasksPath}')"))[0]));
    }

    private static List<string> Columns(ParquetFileReader reader)
    {
        var schema = reader.FileMetaData.Schema;
        return Enumerable.Range(0, schema.NumColumns).Select(i =>
        {
            var column = schema.Column(i);
            return $"{column.Path.ToDotString()}:{column.PhysicalType}:{column.SchemaNode.Repetition}";
        }).ToList();
    }

    private static void AssertAllChunks(ParquetFileReader reader, Compression codec)
    {
        for (int g = 0; g < reader.FileMetaData.NumRowGroups; g++)
        {
            using var rowGroup = reader.RowGroup(g);
            for (int c = 0; c < reader.FileMetaData.NumColumns; c++)
            {
                Assert.Equal(codec, rowGroup.MetaData.GetColumnChunkMetaData(c).Compression);
            }
        }
    }
}
