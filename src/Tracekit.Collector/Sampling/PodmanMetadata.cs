using System.Text.Json;

namespace Tracekit.Collector.Sampling;

/// <summary>
/// Turns a Podman container name into its id from Podman's storage, not its API (the same reasons as
/// <see cref="DockerMetadata"/>): containers/storage keeps every container of a store in one file,
/// <c>overlay-containers/containers.json</c>, an array of {"id", "names": [...], "metadata": "{\"image-name\": …}"}.
/// Rootful Podman's store is /var/lib/containers/storage; a rootless user's is under their home, and their
/// containers are in cgroups Tracekit may not be able to read (docs/cli.md).
/// </summary>
internal static class PodmanMetadata
{
    /// <summary>Podman's storage root when it is not the rootful default (storage.conf "graphroot").</summary>
    public const string RootVariable = "TRACEKIT_PODMAN_ROOT";

    public static string Root => DockerMetadata.RootFrom(RootVariable, "/var/lib/containers/storage");

    public static string ContainersFile(string root) => Path.Join(root, "overlay-containers", "containers.json");

    /// <summary>The container named <paramref name="name"/>, or null (a missing or unreadable store is no error).</summary>
    public static ContainerIdentity? FindByName(string root, string name)
    {
        byte[] json;
        try { json = File.ReadAllBytes(ContainersFile(root)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array) return null;
            foreach (var container in document.RootElement.EnumerateArray())
            {
                if (!HasName(container, name) || !container.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String) continue;
                string value = id.GetString()!;
                if (!DockerMetadata.IsHexId(value)) continue;
                return new ContainerIdentity(value, name, ImageName(container), "podman");
            }
        }
        catch (JsonException) { }
        return null;
    }

    private static bool HasName(JsonElement container, string name)
    {
        if (container.ValueKind != JsonValueKind.Object || !container.TryGetProperty("names", out var names) || names.ValueKind != JsonValueKind.Array) return false;
        foreach (var n in names.EnumerateArray())
            if (n.ValueKind == JsonValueKind.String && n.ValueEquals(name)) return true;
        return false;
    }

    /// <summary>"metadata" is a JSON document in a string; its "image-name" is empty for a container run from a --rootfs.</summary>
    private static string? ImageName(JsonElement container)
    {
        if (!container.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.String) return null;
        try
        {
            using var inner = JsonDocument.Parse(metadata.GetString()!);
            return inner.RootElement.ValueKind == JsonValueKind.Object && inner.RootElement.TryGetProperty("image-name", out var image)
                && image.ValueKind == JsonValueKind.String && image.GetString() is { Length: > 0 } value ? value : null;
        }
        catch (JsonException) { return null; }
    }
}
