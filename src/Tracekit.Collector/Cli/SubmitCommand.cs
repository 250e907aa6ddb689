using System.CommandLine;
using Tracekit.Cluster;

namespace Tracekit.Collector.Cli;

internal static class SubmitCommand
{
    private static readonly Option<string> RedisOption = RedisOptions.Endpoint();
    private static readonly Option<string?> PasswordFileOption = RedisOptions.PasswordFile();
    private static readonly Option<string> RunIdOption = CommonOptions.RunId();
    private static readonly Option<int> UnitsOption = new("--cpu-units") { Description = "CPU units each job needs (a whole number of cores' worth of capacity).", DefaultValueFactory = _ => 1 };
    private static readonly Option<int> CountOption = new("--count") { Description = "Submit the command this many times.", DefaultValueFactory = _ => 1 };
    private static readonly Option<int> RetriesOption = new("--retries") { Description = "Run a job that exits non-zero again, up to this many times (default: never).", DefaultValueFactory = _ => 0 };
    private static readonly Option<string?> FileOption = new("--file") { Description = "Submit the jobs of a JSON-lines file: one {\"argv\":[…],\"cpu_units\":N,\"input\":…,\"output\":…,\"submit_offset_ms\":N} a line." };
    private static readonly Option<string?> InputOption = new("--input") { Description = "The job's input file (recorded, and its size as bytes_in)." };
    private static readonly Option<string?> OutputOption = new("--output") { Description = "The job's output file." };
    private static readonly Argument<string[]> CommandArgument = new("command") { Description = "The job: a program and its arguments, after --.", Arity = ArgumentArity.ZeroOrMore };

    public static Command Create()
    {
        var command = new Command("submit", "Queue batch jobs of a run on the cluster, stamping each with its submit time on the cluster clock (Redis TIME). Prints one job id a line.")
        {
            RedisOption, PasswordFileOption, RunIdOption, UnitsOption, CountOption, RetriesOption, FileOption, InputOption, OutputOption, CommandArgument,
        };
        command.SetAction(parse => RedisOptions.Guard("submit", () =>
        {
            string runId = parse.GetValue(RunIdOption)!;
            RunLayout.ValidateId(runId, "--run-id");
            int units = parse.GetValue(UnitsOption);
            if (units < 1) throw new ArgumentException("--cpu-units must be at least 1");
            int retries = parse.GetValue(RetriesOption);
            if (retries < 0) throw new ArgumentException("--retries must be 0 or more");
            var jobs = ReadJobs(parse.GetValue(FileOption), parse.GetValue(CommandArgument) ?? [], units, parse.GetValue(CountOption),
                parse.GetValue(InputOption), parse.GetValue(OutputOption));
            using var client = RedisOptions.Connect(parse.GetValue(RedisOption)!, parse.GetValue(PasswordFileOption), "tracekit-submit");
            foreach (var job in jobs)
            {
                var (id, _) = client.Submit(runId, job, retries);
                Console.Out.WriteLine(id);
            }
            return (int)ReturnCode.Ok;
        }));
        return command;
    }

    private static List<JobSpec> ReadJobs(string? file, string[] argv, int units, int count, string? input, string? output)
    {
        if (file is not null)
        {
            if (argv.Length > 0) throw new ArgumentException("give either --file or a command after --, not both");
            try
            {
                using var reader = new StreamReader(file);
                return JobSpec.ReadJsonLines(reader, file, units);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"--file '{file}' cannot be read ({e.Message})");
            }
        }
        if (argv.Length == 0) throw new ArgumentException("no job given: tracekit submit --redis HOST:PORT --run-id R -- CMD ARGS…, or --file jobs.jsonl");
        if (count < 1) throw new ArgumentException("--count must be at least 1");
        return Enumerable.Range(0, count).Select(_ => new JobSpec(argv, units, input, output, 0)).ToList();
    }
}
