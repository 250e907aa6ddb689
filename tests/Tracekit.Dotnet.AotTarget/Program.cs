// Allocates steadily so that the runtime has GCs and changing System.Runtime values to report. Runs until killed,
// or at most the given number of seconds so that a test host that died cannot leave it running for ever.
int seconds = args.Length > 0 && int.TryParse(args[0], out int s) ? s : 300;
var deadline = DateTime.UtcNow.AddSeconds(seconds);
var kept = new List<byte[]>();
Console.WriteLine("ready");
while (DateTime.UtcNow < deadline)
{
    // 64 KiB arrays stay below the large-object threshold, so they fill gen0 and trigger gen0 GCs.
    for (int i = 0; i < 64; i++) kept.Add(new byte[64 * 1024 - 64]);
    if (kept.Count > 1024) kept.Clear();
    Thread.Sleep(10);
}
