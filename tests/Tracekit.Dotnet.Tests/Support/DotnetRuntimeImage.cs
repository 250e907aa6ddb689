using System.Formats.Tar;
using System.Runtime.InteropServices;

namespace Tracekit.Dotnet.Tests.Support;

/// <summary>
/// A container image holding this host's .NET runtime, built without a registry: the muxer, hostfxr, the
/// Microsoft.NETCore.App and Microsoft.AspNetCore.App of the version the tests run on, and the native libraries
/// they link (found with ldd), all at their host paths. The application is not in it (the tests mount the example
/// service's build read-only at /app), so the image depends only on the runtime version and is built once.
/// </summary>
internal static class DotnetRuntimeImage
{
    public const string AppDirectory = "/app";

    public static string Ensure(ContainerEngine engine)
    {
        // …/shared/Microsoft.NETCore.App/<version>/: the dotnet root is three levels up.
        string frameworkDir = Path.TrimEndingDirectorySeparator(RuntimeEnvironment.GetRuntimeDirectory());
        string version = Path.GetFileName(frameworkDir);
        string root = Path.GetFullPath(Path.Combine(frameworkDir, "..", "..", ".."));
        string tag = $"tracekit-test/dotnet-runtime:{version}";
        engine.EnsureImage(tag, writer =>
        {
            var files = new SortedSet<string>(StringComparer.Ordinal) { Path.Combine(root, "dotnet") };
            foreach (var dir in new[] { Path.Combine(root, "host"), frameworkDir, Path.Combine(root, "shared", "Microsoft.AspNetCore.App", version) })
            {
                if (Directory.Exists(dir)) files.UnionWith(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories));
            }
            var libraries = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var file in files.Where(f => f.EndsWith(".so", StringComparison.Ordinal) || f == Path.Combine(root, "dotnet")))
                libraries.UnionWith(LinkedLibraries(file));
            // Loaded with dlopen, so ldd does not list them: OpenSSL (the crypto routes of the service).
            foreach (var name in new[] { "libssl.so.3", "libcrypto.so.3" })
            {
                string path = Path.Combine("/usr/lib/x86_64-linux-gnu", name);
                if (File.Exists(path)) libraries.Add(path);
            }
            // A runtime library may link another by its path: one entry each (an image refuses duplicates).
            files.UnionWith(libraries);
            foreach (var file in files) Add(writer, file);
        });
        return tag;
    }

    public static string DotnetPath => Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));

    /// <summary>The file's content under its own path (a symbolic link is followed: the image has only what it names).</summary>
    private static void Add(TarWriter writer, string path)
    {
        string real = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        writer.WriteEntry(real, path.TrimStart('/'));
    }

    /// <summary>The shared libraries ldd resolves for a binary ("libc.so.6 => /lib/…/libc.so.6 (0x…)", "/lib64/ld-linux… (0x…)").</summary>
    private static IEnumerable<string> LinkedLibraries(string binary)
    {
        using var ldd = Spawned.Start("ldd", [binary]);
        if (ldd.WaitForExit(TimeSpan.FromSeconds(30)) != 0) yield break;
        foreach (var raw in ldd.Stdout.Split('\n'))
        {
            string line = raw.Trim();
            int arrow = line.IndexOf("=>", StringComparison.Ordinal);
            string candidate = arrow >= 0 ? line[(arrow + 2)..].Trim() : line;
            int paren = candidate.IndexOf(" (", StringComparison.Ordinal);
            if (paren > 0) candidate = candidate[..paren];
            if (candidate.StartsWith('/') && File.Exists(candidate)) yield return candidate;
        }
    }
}
