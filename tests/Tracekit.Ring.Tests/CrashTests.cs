using System.Diagnostics;
using System.Globalization;
using Tracekit.Ring.TestWriter;
using Xunit.Abstractions;

namespace Tracekit.Ring.Tests;

/// <summary>
/// A child process (Tracekit.Ring.TestWriter) writes records from 1–3 threads and reports the sequence numbers it
/// committed; it is killed with SIGKILL at a random moment. Every reported record must be recovered, no damaged
/// record may be returned, and damage (torn tail, holes left by threads killed mid-append) must name its offset.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    public static TheoryData<string, int, long, int, long, int> Runs()
    {
        var runs = new TheoryData<string, int, long, int, long, int>();
        for (int run = 0; run < 4; run++)
        {
            runs.Add("noloss", 1, 256 * 1024, 200, 0, run);
            runs.Add("noloss", 2, 64 * 1024, 120, 0, run);
            runs.Add("noloss", 3, 1024 * 1024, 300, 4 * (4096 + (1024 * 1024)), run); // fills up: drops after 4 segments
            runs.Add("overwrite", 1, 64 * 1024, 200, 0, run);
            runs.Add("overwrite", 2, 64 * 1024, 120, 0, run);
            runs.Add("overwrite", 3, 1024 * 1024, 300, 0, run);
        }
        return runs;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void Read_AfterSigkillAtRandomMoment_RecoversEveryReportedRecord(
        string policy, int producers, long capacity, int maxPayload, long maxTotal, int run)
    {
        using var dir = new TempDir();
        string ringDir = dir.Sub("ring");
        int killAfterMs = Random.Shared.Next(30, 250);
        bool follow = run % 2 == 0; // half the runs read in follow mode: it must notice the writer died and end
        long[] reported = RunAndKill(ringDir, policy, producers, capacity, maxPayload, maxTotal, killAfterMs);
        output.WriteLine($"killed after {killAfterMs} ms; reported {string.Join(", ", reported)}; follow {follow}");
        Assert.Contains(reported, r => r >= 0);

        var received = new List<long>[producers];
        for (int p = 0; p < producers; p++) received[p] = [];
        IReadOnlyList<RingDamage> damage = [];
        Exception? failure = null;
        var readThread = new Thread(() =>
        {
            try
            {
                using RingReader reader = RingReader.Open(ringDir, follow);
                RingReadStatus status;
                while ((status = reader.TryRead(out ReadOnlySpan<byte> payload)) != RingReadStatus.End)
                {
                    if (status == RingReadStatus.NotYet) throw new InvalidOperationException("NotYet from a ring whose writer is dead");
                    if (!TestPayload.IsIntact(payload, out int producer, out long sequence) || (uint)producer >= (uint)producers)
                        throw new InvalidOperationException($"damaged record returned at offset {reader.CurrentFileOffset} of {reader.CurrentSegmentPath}");
                    List<long> list = received[producer];
                    if (list.Count > 0 && sequence <= list[^1])
                        throw new InvalidOperationException($"producer {producer}: {sequence} after {list[^1]}");
                    list.Add(sequence);
                }
                damage = reader.Damage;
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        readThread.Start();
        Assert.True(readThread.Join(Budget), "reading the crashed ring did not finish in time");
        Assert.Null(failure);

        foreach (RingDamage d in damage)
        {
            output.WriteLine($"{d.Kind} {Path.GetFileName(d.FilePath)} @{d.FileOffset} +{d.LengthInBytes}");
            Assert.InRange(d.FileOffset, 4096, 4096 + capacity);
            Assert.True(d.LengthInBytes > 0);
            Assert.Contains($"offset {d.FileOffset:N0}", d.Message);
            // A producer killed mid-append leaves zeros (no-loss) or an earlier lap's bytes (overwrite): never "corrupt".
            Assert.NotEqual(RingDamageKind.Corrupt, d.Kind);
        }

        for (int p = 0; p < producers; p++)
        {
            if (reported[p] < 0) continue;
            List<long> got = received[p];
            long from = policy == "noloss" ? 0 : (got.Count > 0 ? got[0] : reported[p] + 1); // overwrite: older records may be overwritten
            for (long s = from, i = got.IndexOf(from); s <= reported[p]; s++, i++)
            {
                Assert.True(i >= 0 && i < got.Count && got[(int)i] == s, $"producer {p}: reported-committed record {s} was not recovered");
            }
        }
    }

    /// <summary>Starts the child, waits until it runs, lets it write, kills it; returns the last reported sequence per producer.</summary>
    private static long[] RunAndKill(string ringDir, string policy, int producers, long capacity, int maxPayload, long maxTotal, int killAfterMs)
    {
        string appHost = Path.Combine(AppContext.BaseDirectory, "Tracekit.Ring.TestWriter");
        var start = new ProcessStartInfo(File.Exists(appHost) ? appHost : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (!File.Exists(appHost)) start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Tracekit.Ring.TestWriter.dll"));
        foreach (object arg in new object[] { ringDir, policy, capacity, producers, maxPayload, maxTotal })
            start.ArgumentList.Add(Convert.ToString(arg, CultureInfo.InvariantCulture)!);

        long[] reported = Enumerable.Repeat(-1L, producers).ToArray();
        using var ready = new ManualResetEventSlim();
        using Process child = Process.Start(start) ?? throw new InvalidOperationException("cannot start the test writer");
        var stdoutThread = new Thread(() =>
        {
            string? line;
            while ((line = child.StandardOutput.ReadLine()) is not null)
            {
                if (line == "READY") ready.Set();
                string[] parts = line.Split(' ');
                if (parts.Length == 3 && parts[0] == "C"
                    && int.TryParse(parts[1], CultureInfo.InvariantCulture, out int p) && (uint)p < (uint)producers
                    && long.TryParse(parts[2], CultureInfo.InvariantCulture, out long s))
                    reported[p] = Math.Max(reported[p], s);
            }
        });
        stdoutThread.Start();
        try
        {
            if (!ready.Wait(Budget)) throw new InvalidOperationException($"test writer did not start: {child.StandardError.ReadToEnd()}");
            Thread.Sleep(killAfterMs);
        }
        finally
        {
            child.Kill(); // SIGKILL on Linux
            child.WaitForExit();
        }
        Assert.True(stdoutThread.Join(Budget));
        return reported;
    }
}
