namespace Tracekit.Collector.Sampling;

/// <summary>A container as its engine's files describe it: the id its cgroup is named after, its name and image.</summary>
/// <param name="Engine">"docker" or "podman": whose files named it.</param>
public sealed record ContainerIdentity(string Id, string Name, string? Image, string Engine);
