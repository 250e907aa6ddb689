using System.CommandLine;
using Tracekit.Collector.Recording;
using Tracekit.Format;
using Tracekit.Ring;

namespace Tracekit.Collector.Cli;

/// <summary>
/// `tracekit selfcheck`: every record kind through the real encoder, ring writer, ring reader and decoder of this
/// binary. It exercises, in the native-AOT build, every code path the collector's output depends on.
/// </summary>
internal static class SelfCheckCommand
{
    private static readonly Option<int> RoundsOption = new("--rounds") { Description = "How many times to write every record kind.", DefaultValueFactory = _ => 1000 };

    public static Command Create()
    {
        var command = new Command("selfcheck", "Write every record kind into a temporary ring, read it back, decode and compare.") { RoundsOption };
        command.SetAction(parse => (int)Run(parse.GetValue(RoundsOption), Console.Out));
        return command;
    }

    internal static ReturnCode Run(int rounds, TextWriter output)
    {
        if (rounds < 1)
        {
            Console.Error.WriteLine("tracekit selfcheck: --rounds must be at least 1");
            return ReturnCode.ArgumentError;
        }
        string dir = Path.Combine(Path.GetTempPath(), $"tracekit-selfcheck-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var samples = SampleRecords.All(Monotonic.NowNs());
            using (var ring = RingWriter.Create(new RingOptions { DirectoryPath = dir, RunId = "selfcheck", NodeId = Environment.MachineName, Stage = "selfcheck", SegmentCapacityInBytes = 1 << 20 }))
            {
                var sink = new RecordSink(ring);
                for (int i = 0; i < rounds; i++)
                    foreach (var r in samples) SampleRecords.Write(sink, r);
                if (sink.RecordsDropped != 0)
                {
                    output.WriteLine($"selfcheck: FAILED: {sink.RecordsDropped} records dropped on write");
                    return ReturnCode.UnknownError;
                }
            }

            long read = 0, mismatched = 0;
            var perKind = new SortedDictionary<RecordKind, long>();
            using (var reader = RingReader.Open(dir))
            {
                while (reader.TryRead(out var payload) == RingReadStatus.Record)
                {
                    var expected = samples[(int)(read % samples.Count)];
                    if (!RecordDecoder.TryDecodeAny(payload, out var decoded, out var error) || !decoded.Equals(expected))
                    {
                        mismatched++;
                        if (mismatched <= 5) output.WriteLine($"selfcheck: record {read} at offset {reader.CurrentFileOffset}: expected {expected}, got {(object?)decoded ?? error}");
                    }
                    RecordDecoder.TryReadHeader(payload, out var kind, out _, out _);
                    perKind[kind] = perKind.GetValueOrDefault(kind) + 1;
                    read++;
                }
                foreach (var damage in reader.Damage) output.WriteLine($"selfcheck: damage: {damage.Message}");
                if (reader.Damage.Count > 0) mismatched++;
            }

            long expectedCount = (long)rounds * samples.Count;
            output.WriteLine($"selfcheck: wrote {expectedCount} records of {samples.Count} kinds, read back {read}, mismatched {mismatched}");
            foreach (var (kind, count) in perKind) output.WriteLine($"  {kind,-16} {count}");
            bool ok = read == expectedCount && mismatched == 0;
            output.WriteLine(ok ? "selfcheck: OK" : "selfcheck: FAILED");
            return ok ? ReturnCode.Ok : ReturnCode.UnknownError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"tracekit selfcheck: {e.Message}");
            return ReturnCode.OutputError;
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (DirectoryNotFoundException) { }
        }
    }
}
