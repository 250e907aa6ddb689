using System.CommandLine;

namespace Tracekit.Convert.Cli;

/// <summary>
/// The `tracekit-convert` command line. Parse errors and expected failures print one plain line and exit with
/// their <see cref="ReturnCode"/>; no stack trace ever reaches the user.
/// </summary>
public static class ConvertCli
{
    public static RootCommand CreateRoot(IConsoleOutput console) =>
        new("tracekit-convert: turns Tracekit rings into CCTF JSON Lines and checks OpenDC workloads.")
        {
            CctfCommand.Create(console),
            OpendcCommand.Create(console),
            ValidateOpendcCommand.Create(console),
            ImportCommand.Create(console),
            ReportCommand.Create(console),
        };

    public static int Run(string[] args, IConsoleOutput console)
    {
        var parse = CreateRoot(console).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                console.Error.WriteLine($"error: {Tracekit.Cli.ParseErrorText.Describe(error.Message)}");
            }

            console.Error.WriteLine("Run 'tracekit-convert --help' or 'tracekit-convert <command> --help' for usage.");
            return (int)ReturnCode.ArgumentError;
        }

        return parse.Invoke(new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
        });
    }

    /// <summary>Runs a command body and turns every failure into a message and an exit code.</summary>
    public static int Guard(IConsoleOutput console, Func<ReturnCode> body)
    {
        try
        {
            return (int)body();
        }
        catch (ConvertException ex)
        {
            console.Error.WriteLine($"error: {ex.Message}");
            return (int)ex.Code;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine($"error: {ex.Message}");
            return (int)ReturnCode.OutputError;
        }
        catch (Exception ex)
        {
            // A bug: the type and message are enough to report it; a stack trace would only frighten.
            console.Error.WriteLine($"error: unexpected {ex.GetType().Name}: {ex.Message} (this is a bug; please report it with this message).");
            return (int)ReturnCode.UnknownError;
        }
    }
}
