namespace Tracekit.Opendc.Validation;

/// <summary>A parquet file to read, with the name findings use for it.</summary>
internal readonly record struct ParquetInput(string Path, string DisplayName);

/// <summary>
/// Resolves a table (tasks.parquet / fragments.parquet) that is either one file or a folder of part files.
/// OpenDC opens every file in such a folder as parquet, so anything else in it (_SUCCESS, .crc, a README) is an
/// error here, not something to skip.
/// </summary>
internal static class ParquetInputs
{
    private static ReadOnlySpan<byte> Magic => "PAR1"u8;

    public static List<ParquetInput> Resolve(string workloadDir, string tableName, FindingSink sink)
    {
        var path = System.IO.Path.Combine(workloadDir, tableName);
        var inputs = new List<ParquetInput>();
        if (File.Exists(path))
        {
            if (CheckMagic(path, tableName, sink))
            {
                inputs.Add(new ParquetInput(path, tableName));
            }

            return inputs;
        }

        if (!Directory.Exists(path))
        {
            sink.Error(tableName, null, null, "missing file", $"missing: a workload needs {tableName} (a file or a folder of part files)");
            return inputs;
        }

        var entries = Directory.GetFileSystemEntries(path);
        Array.Sort(entries, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var display = tableName + "/" + System.IO.Path.GetFileName(entry);
            if (Directory.Exists(entry))
            {
                sink.Error(display, null, null, "not parquet", "a folder inside a part-file folder: OpenDC expects only parquet files here");
            }
            else if (CheckMagic(entry, display, sink))
            {
                inputs.Add(new ParquetInput(entry, display));
            }
        }

        if (entries.Length == 0)
        {
            sink.Error(tableName, null, null, "missing file", "the part-file folder is empty");
        }

        return inputs;
    }

    /// <summary>Checks the PAR1 header and footer magic, so _SUCCESS markers and .crc files are named for what they are.</summary>
    private static bool CheckMagic(string path, string display, FindingSink sink)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            Span<byte> head = stackalloc byte[4];
            Span<byte> tail = stackalloc byte[4];
            bool longEnough = file.Length >= 12;
            if (longEnough)
            {
                file.ReadExactly(head);
                file.Seek(-4, SeekOrigin.End);
                file.ReadExactly(tail);
            }

            if (longEnough && head.SequenceEqual(Magic) && tail.SequenceEqual(Magic))
            {
                return true;
            }

            string why = System.IO.Path.GetFileName(path) switch
            {
                "_SUCCESS" => "a _SUCCESS marker (Spark/Hadoop)",
                var n when n.EndsWith(".crc", StringComparison.Ordinal) => "a .crc checksum file (Hadoop)",
                _ when longEnough && tail.SequenceEqual("PARE"u8) => "an encrypted-footer parquet file",
                _ => $"{file.Length} bytes without the PAR1 magic at both ends",
            };
            sink.Error(display, null, null, "not parquet", $"not a parquet file ({why}); OpenDC reads every file here as parquet and fails");
            return false;
        }
        catch (IOException e)
        {
            sink.Error(display, null, null, "unreadable", $"cannot read: {e.Message}");
            return false;
        }
        catch (UnauthorizedAccessException e)
        {
            sink.Error(display, null, null, "unreadable", $"cannot read: {e.Message}");
            return false;
        }
    }
}
