using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;
using Tracekit.Cluster;
using Tracekit.Collector.Cluster;

namespace Tracekit.Collector.Cli;

internal static class ClusterCommand
{
    public static Command Create()
    {
        var command = new Command("cluster", "Control a run on every agent of the cluster: start, stop, status.");
        command.Subcommands.Add(Start());
        command.Subcommands.Add(Stop());
        command.Subcommands.Add(Status());
        return command;
    }

    private static Option<string> Timeout() => new("--timeout") { Description = "How long to wait for every live agent to answer.", DefaultValueFactory = _ => "30s" };

    private static Command Start()
    {
        var redis = RedisOptions.Endpoint();
        var passwordFile = RedisOptions.PasswordFile();
        var runIdOption = CommonOptions.RunId();
        var timeout = Timeout();
        var flagsArgument = new Argument<string[]>("collect-flags") { Description = "`tracekit collect` flags for every node, after -- (for example -- --interval 10ms --all). --run-id, --node-id and --out are the agent's.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("start", "Make every live agent start collecting the run with the same flags; reports how far apart the nodes started.") { redis, passwordFile, runIdOption, timeout, flagsArgument };
        command.SetAction(parse => RedisOptions.Guard("cluster start", () =>
        {
            string runId = parse.GetValue(runIdOption)!;
            RunLayout.ValidateId(runId, "--run-id");
            long timeoutMs = TimeoutMs(parse.GetValue(timeout)!);
            var flags = parse.GetValue(flagsArgument) ?? [];
            if (flags.FirstOrDefault(f => RunCollection.ReservedFlags.Contains(f.Split('=')[0])) is { } reserved)
                throw new ArgumentException($"{reserved} is set by each agent (its node id and --out); leave it out of the collect flags");
            using var client = RedisOptions.Connect(parse.GetValue(redis)!, parse.GetValue(passwordFile), "tracekit-cluster");
            var db = client.Connection.Database;
            var alive = client.Nodes().Where(n => n.Alive).Select(n => n.NodeId).ToList();
            if (alive.Count == 0) throw new ClusterException(ClusterProblem.Timeout, "no agent is alive; start `tracekit agent` on the nodes first");
            db.KeyDelete([ClusterKeys.RunStarted(runId), ClusterKeys.RunStopped(runId)]);
            db.HashSet(ClusterKeys.RunCollect(runId), "flags", JobSpec.ToJsonArray(flags));
            db.SetAdd(ClusterKeys.Runs, runId);
            db.SetAdd(ClusterKeys.Collecting, runId);
            db.Publish(RedisChannel.Literal(ClusterKeys.Commands), "start " + runId);
            var started = WaitFor(db, ClusterKeys.RunStarted(runId), alive, timeoutMs);
            var failed = started.Where(kv => !long.TryParse(kv.Value, CultureInfo.InvariantCulture, out _)).ToList();
            foreach (var kv in failed) Console.Error.WriteLine($"tracekit cluster start: node {kv.Key}: {kv.Value}");
            var times = started.Values.Select(v => long.TryParse(v, CultureInfo.InvariantCulture, out long ms) ? ms : (long?)null).OfType<long>().ToList();
            string spread = times.Count > 0 ? $"{times.Max() - times.Min()} ms" : "n/a";
            Console.Out.WriteLine($"run {runId}: {times.Count} of {alive.Count} node(s) collecting; first to last start {spread} apart (cluster clock)");
            var missing = alive.Where(n => !started.ContainsKey(n)).ToList();
            if (missing.Count > 0)
                throw new ClusterException(ClusterProblem.Timeout, $"node(s) {string.Join(", ", missing)} did not start within {parse.GetValue(timeout)}; see their agents' logs");
            return failed.Count == 0 ? (int)ReturnCode.Ok : (int)ReturnCode.ClusterTimeout;
        }));
        return command;
    }

    private static Command Stop()
    {
        var redis = RedisOptions.Endpoint();
        var passwordFile = RedisOptions.PasswordFile();
        var runIdOption = CommonOptions.RunId();
        var timeout = Timeout();
        var command = new Command("stop", "Make every agent stop collecting the run and write the run's membership into its node folder.") { redis, passwordFile, runIdOption, timeout };
        command.SetAction(parse => RedisOptions.Guard("cluster stop", () =>
        {
            string runId = parse.GetValue(runIdOption)!;
            using var client = RedisOptions.Connect(parse.GetValue(redis)!, parse.GetValue(passwordFile), "tracekit-cluster");
            RequireRun(client, runId);
            var db = client.Connection.Database;
            var collecting = db.HashKeys(ClusterKeys.RunStarted(runId)).Select(v => (string)v!).ToList();
            var alive = client.Nodes().Where(n => n.Alive).Select(n => n.NodeId).ToHashSet(StringComparer.Ordinal);
            db.SetRemove(ClusterKeys.Collecting, runId);
            db.Publish(RedisChannel.Literal(ClusterKeys.Commands), "stop " + runId);
            var expected = collecting.Where(alive.Contains).ToList();
            var stopped = WaitFor(db, ClusterKeys.RunStopped(runId), expected, TimeoutMs(parse.GetValue(timeout)!));
            var members = db.SetMembers(ClusterKeys.RunMembers(runId)).Select(v => (string)v!).Order(StringComparer.Ordinal).ToList();
            Console.Out.WriteLine($"run {runId}: stopped on {stopped.Count} node(s); members: {string.Join(", ", members)}");
            var lost = collecting.Where(n => !stopped.ContainsKey(n)).ToList();
            if (lost.Count > 0)
                throw new ClusterException(ClusterProblem.Timeout, $"node(s) {string.Join(", ", lost)} did not confirm the stop (dead or slow); their folders may lack cluster.json");
            return (int)ReturnCode.Ok;
        }));
        return command;
    }

    private static Command Status()
    {
        var redis = RedisOptions.Endpoint();
        var passwordFile = RedisOptions.PasswordFile();
        var runIdOption = new Option<string?>("--run-id") { Description = "Count this run's jobs." };
        var json = CommonOptions.Json();
        var command = new Command("status", "Per node: alive, collecting, CPU units used, jobs running and done, the collection's records and missed ticks, clock offset to the cluster clock; and the run's jobs by state.") { redis, passwordFile, runIdOption, json };
        command.SetAction(parse => RedisOptions.Guard("cluster status", () =>
        {
            using var client = RedisOptions.Connect(parse.GetValue(redis)!, parse.GetValue(passwordFile), "tracekit-cluster");
            string? runId = parse.GetValue(runIdOption);
            if (runId is not null) RequireRun(client, runId);
            var nodes = client.Nodes();
            var jobs = runId is null ? ((long, long, long, long)?)null : client.RunCounts(runId);
            if (parse.GetValue(json)) WriteJson(nodes, jobs);
            else WriteText(nodes, jobs);
            return (int)ReturnCode.Ok;
        }));
        return command;
    }

    private static void WriteJson(List<NodeState> nodes, (long Queued, long Running, long Completed, long Failed)? jobs)
    {
        using var w = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteStartArray("nodes");
        foreach (var n in nodes)
        {
            w.WriteStartObject();
            w.WriteString("node_id", n.NodeId);
            w.WriteBoolean("alive", n.Alive);
            w.WriteString("collecting", Field(n, "collecting"));
            WriteNumberField(w, n, "capacity_units", "capacity");
            WriteNumberField(w, n, "used_units", "used");
            WriteNumberField(w, n, "jobs_running", "instances");
            WriteNumberField(w, n, "jobs_done", "jobs_done");
            WriteNumberField(w, n, "records", "records");
            WriteNumberField(w, n, "missed_ticks", "missed_ticks");
            WriteNumberField(w, n, "cores", "cores");
            WriteNumberField(w, n, "clock_offset_ns", "clock_offset_ns");
            WriteNumberField(w, n, "clock_uncertainty_ns", "clock_uncertainty_ns");
            w.WriteString("address", Field(n, "address"));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (jobs is { } j)
        {
            w.WriteStartObject("jobs");
            w.WriteNumber("queued", j.Queued);
            w.WriteNumber("running", j.Running);
            w.WriteNumber("completed", j.Completed);
            w.WriteNumber("failed", j.Failed);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.Flush();
        Console.Out.WriteLine();
    }

    private static void WriteText(List<NodeState> nodes, (long Queued, long Running, long Completed, long Failed)? jobs)
    {
        Console.Out.WriteLine($"{"node",-16} {"alive",-5} {"collecting",-16} {"units",-9} {"jobs",5} {"done",6} {"records",10} {"missed",7} {"clock offset",22}");
        foreach (var n in nodes)
        {
            string offset = long.TryParse(Field(n, "clock_offset_ns"), CultureInfo.InvariantCulture, out long o) && long.TryParse(Field(n, "clock_uncertainty_ns"), CultureInfo.InvariantCulture, out long u)
                ? $"{o / 1e6:F3} ± {u / 1e6:F3} ms" : "-";
            Console.Out.WriteLine($"{n.NodeId,-16} {(n.Alive ? "yes" : "no"),-5} {Field(n, "collecting"),-16} {Field(n, "used") + "/" + Field(n, "capacity"),-9} {Field(n, "instances"),5} {Field(n, "jobs_done"),6} {Field(n, "records"),10} {Field(n, "missed_ticks"),7} {offset,22}");
        }
        if (jobs is { } j) Console.Out.WriteLine($"jobs: {j.Queued} queued, {j.Running} running, {j.Completed} completed, {j.Failed} failed");
    }

    private static string Field(NodeState n, string name) => n.Fields.TryGetValue(name, out var v) ? v : "";

    private static void WriteNumberField(Utf8JsonWriter w, NodeState n, string jsonName, string field)
    {
        if (double.TryParse(Field(n, field), NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) w.WriteNumber(jsonName, v);
        else w.WriteNull(jsonName);
    }

    private static void RequireRun(ClusterClient client, string runId)
    {
        if (!client.RunExists(runId))
            throw new ClusterException(ClusterProblem.UnknownRun, $"run '{runId}' is not known to the cluster; `tracekit submit` or `tracekit cluster start` creates it");
    }

    /// <summary>Waits until the hash has a field for every expected node; a CLI waiting for agents, not a daemon's loop.</summary>
    private static Dictionary<string, string> WaitFor(IDatabase db, string hashKey, IReadOnlyCollection<string> expected, long timeoutMs)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var answers = db.HashGetAll(hashKey).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
            if (expected.All(answers.ContainsKey) || waited.ElapsedMilliseconds > timeoutMs) return answers;
            Thread.Sleep(20);
        }
    }

    private static long TimeoutMs(string text) =>
        ValueParsers.TryParseDurationNs(text, out long ns) && ns > 0 ? ns / 1_000_000 : throw new ArgumentException($"--timeout '{text}' is not a duration (for example 30s)");
}
