using System.CommandLine;
using System.Diagnostics;
using Tracekit.Collector.Recording;
using Tracekit.Native;
using Tracekit.Procfs;

namespace Tracekit.Collector.Cli;

internal static class StopCommand
{
    private static readonly Option<string> RunIdOption = CommonOptions.RunId();
    private static readonly Option<string> OutOption = CommonOptions.Out();
    private static readonly Option<string> NodeIdOption = CommonOptions.NodeId();
    private static readonly Option<long> TimeoutOption = ValueParsers.DurationNs("--timeout", "How long to wait for the collector to flush and exit (10s, 2m, …); exit 8 when it has not by then.", "30s",
        minNs: 1_000_000, maxNs: 86_400_000_000_000, rangeText: "from 1ms to 24h");

    public static Command Create()
    {
        var command = new Command("stop", "Stop the collector of a run on this node, and wait until its ring is flushed.")
        {
            RunIdOption, OutOption, NodeIdOption, TimeoutOption,
        };
        command.SetAction(parse =>
        {
            try
            {
                var layout = new RunLayout(parse.GetValue(OutOption)!, parse.GetValue(RunIdOption)!, parse.GetValue(NodeIdOption)!);
                return (int)Stop(layout, TimeSpan.FromTicks(parse.GetValue(TimeoutOption) / 100));
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"tracekit stop: {e.Message}");
                return (int)ReturnCode.ArgumentError;
            }
        });
        return command;
    }

    internal static ReturnCode Stop(RunLayout layout, TimeSpan timeout)
    {
        // The registration names PID and start time; ReadLive returns it only if that very process still runs,
        // so a PID reused by another program is never signalled.
        var live = CollectorRegistration.ReadLive(layout);
        if (live is null)
        {
            Console.Error.WriteLine($"tracekit stop: no collector is running for {layout.NodeDirectory}");
            return ReturnCode.RunNotFound;
        }
        if (!Libc.TrySendSignal(live.Pid, Libc.SigTerm, out int errno))
        {
            Console.Error.WriteLine($"tracekit stop: cannot signal collector pid {live.Pid}: {Libc.DescribeErrno(errno)}");
            return errno == 1 ? ReturnCode.OutputError : ReturnCode.RunNotFound;
        }

        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            if (!ProcessIdentity.TryReadStartTicks(live.Pid, out var ticks) || ticks != live.StartTicks)
            {
                Console.Out.WriteLine($"tracekit stop: collector pid {live.Pid} stopped; its ring is flushed");
                return ReturnCode.Ok;
            }
            Thread.Sleep(20);
        }
        Console.Error.WriteLine($"tracekit stop: collector pid {live.Pid} did not exit within {timeout.TotalSeconds:0.#} s; " +
            "it may still be flushing its ring: run `tracekit status` to see whether it is still running, or stop again with a longer --timeout");
        return ReturnCode.StopTimedOut;
    }
}
