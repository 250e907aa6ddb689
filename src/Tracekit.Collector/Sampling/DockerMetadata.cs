using System.Text.Json;

namespace Tracekit.Collector.Sampling;

/// <summary>
/// Turns a Docker container name into its id from Docker's own files, not its API: a name lives only in the
/// engine's metadata (containers/&lt;id&gt;/config.v2.json, "Name": "/NAME"), never in a cgroup path, and asking the
/// daemon would need its socket, a client and a running daemon. Read at startup and, while a followed container does
/// not run, on each look for it (ContainerTarget), never on a tick that samples.
/// </summary>
internal static class DockerMetadata
{
    /// <summary>
    /// Docker's data root when it is not /var/lib/docker (daemon.json "data-root"); the tests also point it at a
    /// fake tree. An environment variable, not a flag: a moved data root is rare, and a flag would be for ever.
    /// </summary>
    public const string RootVariable = "TRACEKIT_DOCKER_ROOT";
    public const string DefaultRoot = "/var/lib/docker";

    public static string Root => RootFrom(RootVariable, DefaultRoot);

    /// <summary>An engine's data root: the environment variable when set, else the engine's default.</summary>
    internal static string RootFrom(string variable, string defaultRoot) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } root ? root : defaultRoot;

    /// <summary>The folder that holds one folder per container (what an error message says was searched).</summary>
    public static string ContainersDirectory(string root) => Path.Join(root, "containers");

    /// <summary>
    /// The container named <paramref name="name"/> (with or without Docker's leading '/'), or null;
    /// <paramref name="problem"/> then says why the files could not be searched ("" when they were).
    /// </summary>
    public static ContainerIdentity? FindByName(string root, string name, out string problem)
    {
        problem = "";
        string wanted = name.StartsWith('/') ? name : "/" + name;
        string[] containers;
        try { containers = Directory.GetDirectories(ContainersDirectory(root)); }
        catch (DirectoryNotFoundException) { problem = "absent"; return null; }
        catch (UnauthorizedAccessException) { problem = "permission denied: Docker keeps it readable by root only"; return null; }
        catch (IOException e) { problem = e.Message; return null; }
        foreach (var container in containers)
        {
            byte[] json;
            try { json = File.ReadAllBytes(Path.Join(container, "config.v2.json")); }
            catch (UnauthorizedAccessException) { problem = "permission denied: Docker keeps it readable by root only"; continue; }
            catch (IOException) { continue; }
            if (TryReadIdAndName(json, out var id, out var containerName, out var image) && containerName == wanted)
                return new ContainerIdentity(id, containerName.TrimStart('/'), image, "docker");
        }
        return null;
    }

    /// <summary>
    /// The top-level "ID" and "Name", and the image name the container was created from ("Config": {"Image"}). Other
    /// nested objects are skipped whole, since some of them have a "Name" of their own (a volume's, in MountPoints)
    /// that must not be taken for the container's.
    /// </summary>
    internal static bool TryReadIdAndName(ReadOnlySpan<byte> json, out string id, out string name, out string? image)
    {
        id = "";
        name = "";
        image = null;
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isId = reader.ValueTextEquals("ID"u8);
                bool isName = reader.ValueTextEquals("Name"u8);
                bool isConfig = reader.ValueTextEquals("Config"u8);
                if (!reader.Read()) return false;
                if (isId && reader.TokenType == JsonTokenType.String) id = reader.GetString()!;
                else if (isName && reader.TokenType == JsonTokenType.String) name = reader.GetString()!;
                else if (isConfig && reader.TokenType == JsonTokenType.StartObject) image = ReadConfigImage(ref reader);
                else reader.Skip();
            }
        }
        catch (JsonException) { return false; }
        // The id becomes a substring searched for in cgroup names: an empty or odd one would match unrelated cgroups.
        return name.Length > 0 && IsHexId(id);
    }

    /// <summary>"Config": {"Image": …}; leaves the reader on the object's end.</summary>
    private static string? ReadConfigImage(ref Utf8JsonReader reader)
    {
        string? image = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isImage = reader.ValueTextEquals("Image"u8);
            if (!reader.Read()) break;
            if (isImage && reader.TokenType == JsonTokenType.String) image = reader.GetString();
            else reader.Skip();
        }
        return image;
    }

    internal static bool IsHexId(string id) => id.Length >= 12 && id.All(char.IsAsciiHexDigitLower);
}
