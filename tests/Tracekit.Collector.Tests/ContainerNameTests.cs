using System.Globalization;

namespace Tracekit.Collector.Tests;

/// <summary>
/// --container NAME: the name is turned into the id through Docker's on-disk metadata (a fake tree here, through
/// the TRACEKIT_DOCKER_ROOT test hook), and the id into the cgroup named after it.
/// </summary>
public sealed class ContainerNameTests : IDisposable
{
    private const string V1Cpuacct = "/sys/fs/cgroup/cpuacct";
    private readonly TempDir _dir = new("tk-container");
    private readonly ITestOutputHelper _output;
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..12];
    private readonly string _webId = NewId();
    private readonly string _web2Id = NewId();

    public ContainerNameTests(ITestOutputHelper output)
    {
        _output = output;
        // "web-2" starts with "web": only an exact name may select a container.
        WriteConfig(_webId, "web", volume: "webdata");
        WriteConfig(_web2Id, "web-2", volume: "dbdata");
        // Container folders caught half-written (no config yet, a truncated one) must not stop the search.
        Directory.CreateDirectory(ContainerFolder(NewId()));
        string truncated = Directory.CreateDirectory(ContainerFolder(NewId())).FullName;
        File.WriteAllText(Path.Combine(truncated, "config.v2.json"), "{\"ID\":\"");
    }

    public void Dispose() => _dir.Dispose();

    private string DockerRoot => _dir.File("docker");
    private Dictionary<string, string> Hook => new() { ["TRACEKIT_DOCKER_ROOT"] = DockerRoot };

    [SkippableFact]
    public void Collect_ContainerDockerName_SamplesTheCgroupOfItsId()
    {
        Skip.IfNot(Proc.IsRoot, "creating a cgroup needs root");
        Skip.IfNot(File.Exists(Path.Combine(V1Cpuacct, "cpuacct.usage")), $"no cgroup v1 cpuacct hierarchy at {V1Cpuacct}");
        // Nested as the systemd cgroup driver nests it (system.slice/docker-<id>.scope).
        using var slice = new TestCgroup(Path.Combine(V1Cpuacct, "tracekit-slice-" + _suffix));
        using var scope = new TestCgroup(Path.Combine(slice.Directory, $"docker-{_webId}.scope"));
        using var member = Spawned.Start("sleep", ["60"]);
        scope.Add(member.Pid);

        using var collector = CollectorRun.StartWithEnvironment(Hook, _dir.Path, "byname", "--container", "web", "--interval", "100ms", "--duration", "1s");

        int code = collector.WaitForExit(TimeSpan.FromSeconds(30));
        Assert.True(code == 0, $"collector exited {code}: {collector.Process.Stderr}");
        var ring = collector.ReadRing();
        var samples = ring.Of<CgroupSample>().ToList();
        _output.WriteLine($"{samples.Count} CgroupSample records, paths {string.Join(", ", samples.Select(s => s.Path).Distinct())}");
        Assert.NotEmpty(samples);
        Assert.All(samples, s => Assert.Equal($"/tracekit-slice-{_suffix}/docker-{_webId}.scope", s.Path));
        Assert.Contains(ring.Of<ProcessStart>(), p => p.Pid == member.Pid);
        Assert.NotEmpty(ring.SamplesOf(member.Pid));
        // The image is Config's own "Image", not a label's of that name.
        var start = Assert.Single(ring.Of<Placement>());
        Assert.Equal(("start", "web", _webId, "web-image:1"), (start.Event, start.AppId, start.InstanceId, start.ModuleId));
    }

    [Fact]
    public void Collect_ContainerUnknownName_ExitsArgumentErrorNamingWhatWasSearched()
    {
        // A volume's "Name" (nested in MountPoints) is no container name.
        using var collector = CollectorRun.StartWithEnvironment(Hook, _dir.Path, "unknown", "--container", "dbdata", "--duration", "1s");

        int code = collector.WaitForExit(TimeSpan.FromSeconds(30));

        string stderr = collector.Process.Stderr;
        _output.WriteLine(stderr);
        Assert.Equal(2, code);
        Assert.Contains("--container 'dbdata': no container of that name in Docker's metadata", stderr);
        Assert.Contains(Path.Combine(DockerRoot, "containers"), stderr);
        Assert.Contains("TRACEKIT_DOCKER_ROOT", stderr);
        Assert.Contains("no cgroup whose name contains it under /sys/fs/cgroup/", stderr);
        // Nothing written: the corrected command may use the same run id.
        Assert.Empty(Directory.Exists(collector.NodeDirectory) ? Directory.GetFiles(collector.NodeDirectory, "ring-*.tkr") : []);
    }

    private static string NewId() => Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");

    private string ContainerFolder(string id) => Path.Combine(DockerRoot, "containers", id);

    /// <summary>The shape of Docker's config.v2.json, cut down; the volume's "Name" comes before the container's.</summary>
    private void WriteConfig(string id, string name, string volume)
    {
        string folder = Directory.CreateDirectory(ContainerFolder(id)).FullName;
        string json = string.Create(CultureInfo.InvariantCulture, $$$"""
            {"StreamConfig":{},"State":{"Running":true,"Pid":4242,"Health":null},"ID":"{{{id}}}",
             "Created":"2025-01-01T00:00:00Z","Path":"sleep","Args":["infinity"],
             "Config":{"Hostname":"{{{id[..12]}}}","Env":["PATH=/usr/bin"],"Labels":{"Name":"label","Image":"label"},"Image":"{{{name}}}-image:1"},
             "MountPoints":{"/data":{"Source":"","Destination":"/data","RW":true,"Name":"{{{volume}}}","Driver":"local"}},
             "Name":"/{{{name}}}","Driver":"overlay2","RestartCount":0}
            """);
        File.WriteAllText(Path.Combine(folder, "config.v2.json"), json);
    }
}
