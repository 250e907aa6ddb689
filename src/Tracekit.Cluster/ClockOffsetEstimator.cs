using Tracekit.Native;

namespace Tracekit.Cluster;

/// <summary>
/// This node's clock against the Redis server's (the cluster's one clock): offset = server − local realtime.
/// A TIME round trip brackets the server's reading between two local readings, so the server read its clock
/// somewhere in [t0, t1]: the midpoint is the estimate and half the round trip (plus TIME's 1 µs resolution) the
/// uncertainty. Of several round trips, the one with the least delay is kept: queueing delay only widens the bracket.
/// </summary>
public static class ClockOffsetEstimator
{
    /// <param name="MonotonicNs">The local CLOCK_MONOTONIC at the midpoint of the kept round trip.</param>
    /// <param name="RealtimeNs">The local CLOCK_REALTIME at that midpoint.</param>
    /// <param name="OffsetNs">Server epoch ns − local epoch ns.</param>
    /// <param name="UncertaintyNs">The true offset is within ± this of <paramref name="OffsetNs"/>.</param>
    public readonly record struct Estimate(long MonotonicNs, long RealtimeNs, long OffsetNs, long UncertaintyNs, long RoundTripNs);

    /// <summary>Takes <paramref name="roundTrips"/> TIME readings and keeps the one with the least delay.</summary>
    public static Estimate Measure(Func<long> serverTimeNs, int roundTrips = 8)
    {
        Estimate best = default;
        for (int i = 0; i < roundTrips; i++)
        {
            Libc.ReadClockPair(out long mono0, out long real0);
            long serverNs = serverTimeNs();
            Libc.ReadClockPair(out long mono1, out long real1);
            long rttNs = mono1 - mono0;
            if (i > 0 && rttNs >= best.RoundTripNs) continue;
            long midRealNs = real0 + (real1 - real0) / 2;
            // TIME has microsecond resolution: the server's true reading is in [serverNs, serverNs + 1 µs).
            best = new Estimate(mono0 + rttNs / 2, midRealNs, serverNs + 500 - midRealNs, rttNs / 2 + 500, rttNs);
        }
        return best;
    }
}
