using System.Globalization;
using Tracekit.Ring;
using Tracekit.Ring.TestWriter;

// Usage: <dir> <noloss|overwrite> <capacityBytes> <producers> <maxPayloadBytes> [maxTotalBytes]
// Prints "READY", then every millisecond "C <producer> <sequence>" for each producer whose last committed
// sequence advanced (every sequence up to it was committed: a producer's committed records are a prefix).
// Runs until killed.
if (args.Length < 5)
{
    Console.Error.WriteLine("usage: <dir> <noloss|overwrite> <capacityBytes> <producers> <maxPayloadBytes> [maxTotalBytes]");
    return 2;
}

var options = new RingOptions
{
    DirectoryPath = args[0],
    Policy = args[1] == "overwrite" ? RingPolicy.Overwrite : RingPolicy.NoLoss,
    SegmentCapacityInBytes = long.Parse(args[2], CultureInfo.InvariantCulture),
    MaxTotalSizeInBytes = args.Length > 5 ? long.Parse(args[5], CultureInfo.InvariantCulture) : 0,
    RunId = "crash-run",
    NodeId = "node-a",
    Stage = "test",
};
int producers = int.Parse(args[3], CultureInfo.InvariantCulture);
int maxPayload = int.Parse(args[4], CultureInfo.InvariantCulture);
var writer = RingWriter.Create(options);
long[] committed = new long[producers];
Array.Fill(committed, -1L);

for (int p = 0; p < producers; p++)
{
    int producer = p;
    var thread = new Thread(() =>
    {
        Span<byte> buffer = stackalloc byte[maxPayload];
        for (long sequence = 0; ; sequence++)
        {
            Span<byte> payload = buffer[..TestPayload.LengthFor(producer, sequence, maxPayload)];
            TestPayload.Fill(payload, producer, sequence);
            if (writer.TryAppend(payload))
                Volatile.Write(ref committed[producer], sequence); // release: read by the reporter after the append returned
            else
                Thread.Sleep(1); // full no-loss ring: every later append is dropped too; do not spin hot
        }
    }) { IsBackground = true, Name = $"producer-{producer}" };
    thread.Start();
}

var stdout = Console.Out;
stdout.WriteLine("READY");
stdout.Flush();
long[] reported = new long[producers];
Array.Fill(reported, -1L);
while (true)
{
    for (int p = 0; p < producers; p++)
    {
        long last = Volatile.Read(ref committed[p]); // acquire: pairs with the producer's release
        if (last != reported[p])
        {
            stdout.WriteLine($"C {p} {last}");
            reported[p] = last;
        }
    }
    stdout.Flush();
    Thread.Sleep(1);
}
