using Tracekit.Convert.Cli;

namespace Tracekit.Convert.Tests.Support;

/// <summary>Captures what a command prints; never a terminal, so no progress bar.</summary>
public sealed class CapturingConsole : IConsoleOutput
{
    public StringWriter OutWriter { get; } = new();

    public StringWriter ErrorWriter { get; } = new();

    public TextWriter Out => OutWriter;

    public TextWriter Error => ErrorWriter;

    public bool IsInteractive { get; init; }

    public int Width => 100;

    public string OutText => OutWriter.ToString();

    public string ErrorText => ErrorWriter.ToString();

    /// <summary>Runs the CLI in-process, as Main does.</summary>
    public static (int ExitCode, CapturingConsole Console) Run(params string[] args)
    {
        var console = new CapturingConsole();
        int code = ConvertCli.Run(args, console);
        return (code, console);
    }
}
