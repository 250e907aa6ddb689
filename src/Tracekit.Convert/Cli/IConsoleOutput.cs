namespace Tracekit.Convert.Cli;

/// <summary>
/// Where commands print. Behind an interface so tests capture the text, and so the progress bar can ask whether
/// a person is watching (a terminal) without touching <see cref="Console"/>.
/// </summary>
public interface IConsoleOutput
{
    TextWriter Out { get; }

    TextWriter Error { get; }

    /// <summary>True when stderr is a terminal: only then is a progress bar drawn.</summary>
    bool IsInteractive { get; }

    /// <summary>Columns available for a progress line.</summary>
    int Width { get; }
}

/// <summary>The process console.</summary>
public sealed class SystemConsoleOutput : IConsoleOutput
{
    public static readonly SystemConsoleOutput Instance = new();

    private SystemConsoleOutput()
    {
    }

    public TextWriter Out => Console.Out;

    public TextWriter Error => Console.Error;

    // Both must be terminals: with stdout piped to a file, carriage-return redraws on stderr still
    // interleave with what a wrapper script captures.
    public bool IsInteractive => !Console.IsErrorRedirected && !Console.IsOutputRedirected;

    public int Width
    {
        get
        {
            try
            {
                return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
            }
            catch (IOException)
            {
                return 80;
            }
        }
    }
}
