using System.CommandLine;
using System.CommandLine.Help;
using Tracekit.Collector.Cli;

namespace Tracekit.Collector;

internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand("tracekit: a low-overhead collector of host, process, cgroup and job metrics into a crash-safe ring.")
        {
            CollectCommand.Create(),
            RunCommand.Create(),
            StatusCommand.Create(),
            StopCommand.Create(),
            SelfCheckCommand.Create(),
            LoadCommand.Create(),
            Top.TopCommand.Create(),
            AgentCommand.Create(),
            SubmitCommand.Create(),
            SchedulerCommand.Create(),
            ClusterCommand.Create(),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine($"tracekit: {Tracekit.Cli.ParseErrorText.Describe(error.Message)}");
            Console.Error.WriteLine("Run 'tracekit --help' or 'tracekit <command> --help' for usage.");
            return (int)ReturnCode.ArgumentError;
        }
        return parse.Invoke();
    }
}
