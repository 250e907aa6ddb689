using System.Text;

namespace Tracekit.Procfs;

/// <summary>A mounted cgroup hierarchy: where it is mounted and which cgroup path its mount root is.</summary>
public sealed record CgroupMount(string MountPoint, string Root, bool IsUnified, IReadOnlyList<string> Controllers);

/// <summary>
/// The cgroup hierarchies mounted in our mount namespace, read from /proc/self/mountinfo: v2 ("cgroup2"), v1 per
/// controller ("cgroup" with the controller in the super options), or both (hybrid hosts such as the reference
/// machines: v1 cpu, cpuacct, memory... plus an empty v2 at /sys/fs/cgroup/unified). Read once at start.
/// </summary>
public sealed class CgroupMounts
{
    private readonly List<CgroupMount> _mounts;

    private CgroupMounts(List<CgroupMount> mounts)
    {
        _mounts = mounts;
    }

    public IReadOnlyList<CgroupMount> Mounts => _mounts;

    public CgroupMount? Unified => _mounts.Find(m => m.IsUnified);

    public CgroupMount? FindV1(string controller) => _mounts.Find(m => !m.IsUnified && m.Controllers.Contains(controller));

    public static CgroupMounts Discover()
    {
        try
        {
            return Parse(File.ReadAllBytes("/proc/self/mountinfo"));
        }
        catch (IOException)
        {
            return new CgroupMounts([]);
        }
        catch (UnauthorizedAccessException)
        {
            return new CgroupMounts([]);
        }
    }

    /// <summary>Parses mountinfo text; lines that are not cgroup mounts or do not parse are skipped.</summary>
    public static CgroupMounts Parse(ReadOnlySpan<byte> mountInfo)
    {
        var mounts = new List<CgroupMount>();
        ReadOnlySpan<byte> rest = mountInfo;
        while (AsciiScan.TryTakeLine(ref rest, out ReadOnlySpan<byte> line))
        {
            // "id parent major:minor root mountpoint options [optional...] - fstype source superoptions"
            int separator = line.IndexOf(" - "u8);
            if (separator < 0)
            {
                continue;
            }

            ReadOnlySpan<byte> head = line[..separator];
            ReadOnlySpan<byte> tail = line[(separator + 3)..];
            if (!AsciiScan.TrySkipTokens(ref head, 3) ||
                !AsciiScan.TryTakeToken(ref head, out ReadOnlySpan<byte> root) ||
                !AsciiScan.TryTakeToken(ref head, out ReadOnlySpan<byte> mountPoint) ||
                !AsciiScan.TryTakeToken(ref tail, out ReadOnlySpan<byte> fsType) ||
                !AsciiScan.TryTakeToken(ref tail, out _))
            {
                continue;
            }

            AsciiScan.TryTakeToken(ref tail, out ReadOnlySpan<byte> superOptions);
            bool unified = fsType.SequenceEqual("cgroup2"u8);
            if (!unified && !fsType.SequenceEqual("cgroup"u8))
            {
                continue;
            }

            var controllers = new List<string>();
            if (!unified)
            {
                foreach (string option in Encoding.UTF8.GetString(superOptions).Split(','))
                {
                    if (option is not ("rw" or "ro") && !option.Contains('='))
                    {
                        controllers.Add(option);
                    }
                }
            }

            mounts.Add(new CgroupMount(Unescape(mountPoint), Unescape(root), unified, controllers));
        }

        return new CgroupMounts(mounts);
    }

    /// <summary>
    /// The directory of cgroup <paramref name="cgroupPath"/> (as printed in /proc/PID/cgroup) under a mount:
    /// the mount's root is cut from the path first (it differs from "/" inside containers).
    /// </summary>
    public static string Resolve(CgroupMount mount, string cgroupPath)
    {
        string relative = cgroupPath;
        if (mount.Root != "/" && (relative == mount.Root || relative.StartsWith(mount.Root + "/", StringComparison.Ordinal)))
        {
            relative = relative[mount.Root.Length..];
        }

        return Path.Join(mount.MountPoint, relative.TrimStart('/'));
    }

    // mountinfo escapes space, tab, newline and backslash as \ooo octal.
    private static string Unescape(ReadOnlySpan<byte> text)
    {
        var bytes = new List<byte>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == (byte)'\\' && i + 3 < text.Length && IsOctal(text[i + 1]) && IsOctal(text[i + 2]) && IsOctal(text[i + 3]))
            {
                bytes.Add((byte)(((text[i + 1] - '0') << 6) | ((text[i + 2] - '0') << 3) | (text[i + 3] - '0')));
                i += 3;
            }
            else
            {
                bytes.Add(text[i]);
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(byte b) => b >= (byte)'0' && b <= (byte)'7';
}
