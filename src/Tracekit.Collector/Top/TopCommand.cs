using System.CommandLine;
using System.Diagnostics;
using Tracekit.Collector.Cli;
using Tracekit.Collector.Recording;
using Tracekit.Ring;

namespace Tracekit.Collector.Top;

/// <summary>
/// `tracekit top --run-id R [--out DIR] [--node-id N]`: a live view of a collection, read from its rings while the
/// collector writes them. It costs the collector nothing: no socket, no signal, only read-only mappings of the
/// files it writes anyway. On a terminal it redraws every second and reads keys; otherwise it prints one snapshot.
/// </summary>
internal static class TopCommand
{
    private const int RefreshMs = 1000;
    private const int KeyPollMs = 50;

    private static readonly Option<string> RunIdOption = CommonOptions.RunId();
    private static readonly Option<string> OutOption = CommonOptions.Out();
    private static readonly Option<string> NodeIdOption = CommonOptions.NodeId();

    public static Command Create()
    {
        var command = new Command("top", "Watch a running collection live: host CPU and memory, top processes, jobs, records/s, ticks. Keys: c, m, p sort; q quits. Without a terminal: one snapshot.")
        {
            RunIdOption, OutOption, NodeIdOption,
        };
        command.SetAction(parse =>
        {
            try
            {
                var layout = new RunLayout(parse.GetValue(OutOption)!, parse.GetValue(RunIdOption)!, parse.GetValue(NodeIdOption)!);
                if (FindProblem(layout) is { } problem)
                {
                    Console.Error.WriteLine($"tracekit top: {problem}");
                    return (int)ReturnCode.RunNotFound;
                }

                return (int)(Console.IsOutputRedirected || Console.IsInputRedirected ? Snapshot(layout) : Live(layout));
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"tracekit top: {e.Message}");
                return (int)ReturnCode.ArgumentError;
            }
        });
        return command;
    }

    /// <summary>Why there is nothing to watch, in a sentence that names the fix; null when there is a ring.</summary>
    private static string? FindProblem(RunLayout layout)
    {
        if (!Directory.Exists(layout.RunDirectory))
        {
            return $"no run '{Path.GetFileName(layout.RunDirectory)}' in {Path.GetDirectoryName(layout.RunDirectory)}: start one with `tracekit collect --run-id <id>`, or pass the --out folder it writes to.";
        }

        if (!File.Exists(Path.Combine(layout.NodeDirectory, "ring-000000.tkr")))
        {
            string nodes = string.Join(", ", Directory.EnumerateDirectories(layout.RunDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            return $"no ring of node '{Path.GetFileName(layout.NodeDirectory)}' in {layout.RunDirectory}" +
                (nodes.Length > 0 ? $" (nodes there: {nodes}; choose one with --node-id)." : ": the collection has not started writing yet.");
        }

        return null;
    }

    private static ReturnCode Snapshot(RunLayout layout)
    {
        var state = new TopState();
        using var follower = new RunFollower(layout.NodeDirectory);
        follower.Drain(state.Add);
        foreach (string line in TopScreen.Render(state, Title(layout), StateOf(layout), TopSort.Cpu, width: 80, height: 24, withKeys: false))
        {
            Console.Out.WriteLine(line.TrimEnd());
        }

        return ReturnCode.Ok;
    }

    private static ReturnCode Live(RunLayout layout)
    {
        var state = new TopState();
        using var follower = new RunFollower(layout.NodeDirectory);
        var sort = TopSort.Cpu;
        bool quit = false;
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            quit = true;
        };
        Console.Out.Write("\u001b[?1049h\u001b[?25l"); // the alternate screen, no cursor: the shell's screen comes back on exit
        try
        {
            long nextDraw = 0;
            while (!quit)
            {
                bool redraw = false;
                while (Console.KeyAvailable)
                {
                    switch (char.ToLowerInvariant(Console.ReadKey(intercept: true).KeyChar))
                    {
                        case 'q': quit = true; break;
                        case 'c': sort = TopSort.Cpu; redraw = true; break;
                        case 'm': sort = TopSort.Rss; redraw = true; break;
                        case 'p': sort = TopSort.Pid; redraw = true; break;
                    }
                }

                if (quit)
                {
                    break;
                }

                long now = Stopwatch.GetTimestamp();
                if (redraw || now >= nextDraw)
                {
                    follower.Drain(state.Add);
                    var lines = TopScreen.Render(state, Title(layout), StateOf(layout), sort, Math.Max(20, Console.WindowWidth), Math.Max(8, Console.WindowHeight - 1), withKeys: true);
                    Console.Out.Write(TopScreen.Frame(lines));
                    Console.Out.Flush();
                    nextDraw = now + (Stopwatch.Frequency * RefreshMs / 1000);
                }

                Thread.Sleep(KeyPollMs);
            }
        }
        finally
        {
            Console.Out.Write("\u001b[?25h\u001b[?1049l");
            Console.Out.Flush();
        }

        return ReturnCode.Ok;
    }

    private static string Title(RunLayout layout) =>
        $"tracekit top  run {Path.GetFileName(layout.RunDirectory)}  node {Path.GetFileName(layout.NodeDirectory)}";

    private static string StateOf(RunLayout layout)
    {
        if (CollectorRegistration.ReadLive(layout) is { } live)
        {
            return $"collecting (pid {live.Pid})";
        }

        try
        {
            using var reader = RingReader.Open(layout.NodeDirectory);
            return reader.Header.Closed ? "stopped" : "not running";
        }
        catch (Exception e) when (e is IOException or RingFormatException or UnauthorizedAccessException)
        {
            return "not running";
        }
    }
}
