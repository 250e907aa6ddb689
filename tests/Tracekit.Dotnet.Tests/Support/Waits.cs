using System.Diagnostics;

namespace Tracekit.Dotnet.Tests.Support;

internal static class Waits
{
    /// <summary>Polls until <paramref name="condition"/> holds; false after <paramref name="timeout"/>.</summary>
    public static bool Until(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition()) return true;
            Thread.Sleep(100);
        }
        return condition();
    }

    /// <summary>Waits until the tracer is attached and the target's metrics arrive: from then on no request is missed.</summary>
    public static void UntilFlowing(DotnetTracer tracer, Func<bool> metricsArrived)
    {
        Assert.True(Until(() => tracer.Targets.Any(t => t.State == TargetState.Attached) && metricsArrived(), TimeSpan.FromSeconds(30)),
            "the tracer did not attach: " + string.Join("; ", tracer.Targets));
    }
}
