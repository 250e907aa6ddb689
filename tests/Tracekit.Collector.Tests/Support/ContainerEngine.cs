using System.Formats.Tar;

namespace Tracekit.Collector.Tests.Support;

/// <summary>
/// A real container engine for the container tests: Debian's docker.io (its own client, /usr/bin/docker, which
/// speaks the daemon's API version) or rootful Podman with runc. tools/test.sh installs both and starts dockerd.
/// The test image is built here without a registry: a root filesystem holding only Debian's busybox-static,
/// imported once per machine (the tag is reused afterwards).
/// </summary>
public sealed class ContainerEngine
{
    public const string BusyboxImage = "tracekit-test/busybox:2";
    private const string StaticBusybox = "/bin/busybox";
    private static readonly object ImportGate = new();

    private ContainerEngine(string name, string client, IReadOnlyList<string> prefix, IReadOnlyDictionary<string, string> environment, string cgroupParent)
    {
        Name = name;
        Client = client;
        _prefix = prefix;
        Environment = environment;
        CgroupParent = cgroupParent;
    }

    private readonly IReadOnlyList<string> _prefix;

    /// <summary>"docker" or "podman".</summary>
    public string Name { get; }
    public string Client { get; }
    public IReadOnlyDictionary<string, string> Environment { get; }
    /// <summary>Where the engine puts its containers' cgroups (cgroupfs driver), relative to a hierarchy root.</summary>
    public string CgroupParent { get; }

    public static ContainerEngine Docker { get; } = new("docker", "/usr/bin/docker", [], new Dictionary<string, string>(), "/docker");

    /// <summary>
    /// Root here lacks CAP_SYS_RESOURCE, so Podman's default ulimits are emptied (a containers.conf of our own), and
    /// crun refuses hybrid cgroups, so runc runs the containers.
    /// </summary>
    public static ContainerEngine Podman { get; } = CreatePodman();

    private static ContainerEngine CreatePodman()
    {
        string conf = Path.Combine(Path.GetTempPath(), "tracekit-tests-containers.conf");
        File.WriteAllText(conf, "[containers]\ndefault_ulimits = []\n");
        return new ContainerEngine("podman", "/usr/bin/podman", ["--runtime", "runc"], new Dictionary<string, string> { ["CONTAINERS_CONF"] = conf }, "/libpod_parent");
    }

    /// <summary>The engine by name ("docker" or "podman") with the test image in it; skips the test when it cannot run.</summary>
    public static ContainerEngine Require(string name)
    {
        var engine = name == "podman" ? Podman : Docker;
        string? why = engine.Unavailable();
        Skip.If(why is not null, why);
        engine.EnsureBusyboxImage();
        return engine;
    }

    /// <summary>Why the engine cannot be used here, or null when it answers.</summary>
    public string? Unavailable()
    {
        if (!System.Environment.IsPrivilegedProcess) return "the container tests need root (rootful engines)";
        if (!File.Exists(Client)) return $"{Client} is not installed (tools/test.sh installs it)";
        var (code, _, stderr) = Run(TimeSpan.FromSeconds(60), "info");
        return code == 0 ? null : $"{Name} info failed ({code}): {stderr.Trim()} (tools/test.sh starts dockerd)";
    }

    /// <summary>The engine's client with these arguments; the global flags (podman's --runtime) go first.</summary>
    public (int ExitCode, string Stdout, string Stderr) Run(TimeSpan timeout, params string[] arguments)
    {
        using var p = Spawned.Start(Client, _prefix.Concat(arguments), environment: Environment);
        int code = p.WaitForExit(timeout);
        return (code, p.Stdout, p.Stderr);
    }

    public string RunOrFail(params string[] arguments)
    {
        var (code, stdout, stderr) = Run(TimeSpan.FromSeconds(120), arguments);
        Assert.True(code == 0, $"{Name} {string.Join(' ', arguments)} exited {code}: {stderr}");
        return stdout.Trim();
    }

    /// <summary>Imports the busybox image unless the engine has it already (the tag changes with its contents).</summary>
    public void EnsureBusyboxImage()
    {
        Assert.True(File.Exists(StaticBusybox), $"{StaticBusybox} is missing: install busybox-static");
        EnsureImage(BusyboxImage, writer =>
        {
            writer.WriteEntry(StaticBusybox, "bin/busybox");
            foreach (var applet in new[] { "sh", "sleep", "cat", "yes", "head", "dd", "true", "echo", "hostname" })
                writer.WriteEntry(new GnuTarEntry(TarEntryType.SymbolicLink, "bin/" + applet) { LinkName = "busybox", Mode = (UnixFileMode)0x1FF });
        });
    }

    /// <summary>
    /// Imports an image from a root filesystem <paramref name="writeFiles"/> fills (after the usual empty folders),
    /// unless the engine has <paramref name="tag"/> already: a tag names one content, so it is built once per machine.
    /// </summary>
    public void EnsureImage(string tag, Action<TarWriter> writeFiles)
    {
        lock (ImportGate)
        {
            if (Run(TimeSpan.FromSeconds(60), "image", "inspect", tag).ExitCode == 0) return;
            string tar = Path.Combine(Path.GetTempPath(), $"tracekit-image-{Guid.NewGuid():N}.tar");
            try
            {
                using (var stream = File.Create(tar))
                using (var writer = new TarWriter(stream, TarEntryFormat.Gnu))
                {
                    foreach (var dir in new[] { "bin/", "tmp/", "proc/", "sys/", "dev/", "etc/", "dev/shm/" })
                        writer.WriteEntry(new GnuTarEntry(TarEntryType.Directory, dir) { Mode = dir == "tmp/" ? (UnixFileMode)0x3FF | UnixFileMode.StickyBit : (UnixFileMode)0x1ED });
                    writeFiles(writer);
                }
                RunOrFail("import", tar, tag);
            }
            finally { File.Delete(tar); }
        }
    }

    /// <summary>The engines a theory runs on.</summary>
    public static TheoryData<string> Names => new() { "docker", "podman" };

    /// <summary>A container name no other test (or helper) uses.</summary>
    public static string UniqueName(string what) => $"tk-{what}-{Guid.NewGuid().ToString("N")[..10]}";

    /// <summary>The full id of a container.</summary>
    public string IdOf(string name) => RunOrFail("inspect", "--format", "{{.Id}}", name);

    /// <summary>Removes the container whatever its state; for Dispose paths (never fails).</summary>
    public void Remove(string name) => Run(TimeSpan.FromSeconds(60), "rm", "-f", name);

    /// <summary>The container's cgroup directory in a v1 hierarchy (cgroupfs driver).</summary>
    public string CgroupDirectory(string controller, string id) =>
        Path.Combine("/sys/fs/cgroup", controller, CgroupParent.TrimStart('/'), Name == "podman" ? "libpod-" + id : id);
}

/// <summary>The containers a test made: each is removed, whatever its state, when the test ends.</summary>
public sealed class ContainerCleanup : IDisposable
{
    private readonly List<(ContainerEngine Engine, string Name)> _containers = new();

    public string Add(ContainerEngine engine, string name)
    {
        _containers.Add((engine, name));
        return name;
    }

    public void Dispose()
    {
        foreach (var (engine, name) in _containers) engine.Remove(name);
    }
}
