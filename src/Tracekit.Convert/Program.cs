using Tracekit.Convert.Cli;

namespace Tracekit.Convert;

internal static class Program
{
    private static int Main(string[] args) => ConvertCli.Run(args, SystemConsoleOutput.Instance);
}
