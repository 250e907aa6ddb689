using System.Diagnostics;

namespace Tracekit.Collector.Cluster;

/// <summary>
/// Starts this same binary as a child (`tracekit run`, `tracekit collect`) with an argv array: no shell, no
/// string to parse. A child of its own keeps each job's rusage (RUSAGE_CHILDREN is per process) and each
/// collection's signals apart from the agent's.
/// </summary>
internal static class ChildTracekit
{
    public static Process Start(IEnumerable<string> arguments)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("the agent cannot find its own executable");
        var psi = new ProcessStartInfo(self) { UseShellExecute = false, RedirectStandardInput = false };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        // The child must not inherit the password: a job runs whatever the submitter asked for.
        psi.Environment.Remove(Tracekit.Cluster.RedisTarget.PasswordVariable);
        return Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {self}");
    }
}
